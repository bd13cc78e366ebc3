// Prints what kubectl's YAML reader (sigs.k8s.io/yaml, the version kubectl v1.33 uses) makes of plain scalars:
// one scalar per input line, written as the value of `v:`; one line out per scalar: the scalar, a tab, and the
// JSON kubectl would send (or ERR and the error). btls's manifest reader is tested against this table.
//
//	go run . < ../../test/fixtures/kubectl-yaml-scalars.in > ../../test/fixtures/kubectl-yaml-scalars.tsv
package main

import (
	"bufio"
	"fmt"
	"os"

	"sigs.k8s.io/yaml"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		scalar := in.Text()
		out, err := yaml.YAMLToJSON([]byte("v: " + scalar + "\n"))
		if err != nil {
			fmt.Printf("%s\tERR %v\n", scalar, err)
			continue
		}
		fmt.Printf("%s\t%s\n", scalar, out)
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
