package kubeadm

import (
	"sort"
	"strconv"
	"strings"
)

// arg is one command-line flag for a control-plane component or kubelet.
type arg struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// extraArgs encodes args in the form the kubeadm API version wants: a map
// in v1beta3, a list of name/value pairs in v1beta4. Empty gives nil so
// the field is omitted.
func extraArgs(apiVersion string, args []arg) any {
	if len(args) == 0 {
		return nil
	}
	if apiVersion == V1Beta4 {
		return args
	}
	m := make(map[string]string, len(args))
	for _, a := range args {
		m[a.Name] = a.Value
	}
	return m
}

// joinGates gives "A=true,B=false" in name order.
func joinGates(gates map[string]bool) string {
	kv := make(map[string]string, len(gates))
	for k, v := range gates {
		kv[k] = strconv.FormatBool(v)
	}
	return joinPairs(kv)
}

// joinPairs gives "k1=v1,k2=v2" in key order, for flags that take a list.
func joinPairs(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = k + "=" + m[k]
	}
	return strings.Join(pairs, ",")
}
