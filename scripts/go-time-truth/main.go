// Prints what Go's time.Parse(time.RFC3339, s) says of each input line: the line, a tab, and "ok" or the error.
// metav1.Time decodes creationTimestamp and deletionTimestamp this way, so the apiserver answers a bad value
// with this text. btls's metadata decoder is tested against the table:
//
//	go run . < ../../test/fixtures/go-rfc3339.in > ../../test/fixtures/go-rfc3339.tsv
package main

import (
	"bufio"
	"fmt"
	"os"
	"time"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		s := in.Text()
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			fmt.Printf("%s\t%s\n", s, err)
		} else {
			fmt.Printf("%s\tok\n", s)
		}
	}
}
