package genrt

// readObject stands in for the generated object readers, which gogen
// writes beside the copy of runtime.go (this file is not copied): here
// every object goes through the generic trie walk.
func readObject(d *decoder, node int32) error { return d.objectGeneric(node) }
