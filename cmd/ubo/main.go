// Command ubo screens a corporate-registry graph for ownership or control
// that reaches a Chinese parent, and explains every flag.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
