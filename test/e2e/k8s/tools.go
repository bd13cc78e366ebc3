//go:build tools

// Package tools pins the Kubernetes binaries the btls e2e harness builds
// (kube-apiserver and kubectl). It is never compiled into anything; it only
// keeps `go mod tidy` from dropping the requirements. See ../build.sh.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
