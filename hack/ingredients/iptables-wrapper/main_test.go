package main

import "testing"

func TestHintAndCount(t *testing.T) {
	out := []byte("*mangle\n:PREROUTING ACCEPT [0:0]\n:KUBE-IPTABLES-HINT - [0:0]\n-A PREROUTING -j ACCEPT\n-A FOO -j DROP\nCOMMIT\n")
	if !hasHint(out) {
		t.Error("hint not found")
	}
	if hasHint([]byte(":KUBE-IPTABLES-HINTX - [0:0]\n")) {
		t.Error("prefix match should need the exact chain name")
	}
	if n := countRules(out); n != 2 {
		t.Errorf("countRules = %d, want 2", n)
	}
	if !isCommand("ip6tables-restore") || isCommand("iptables-wrapper") {
		t.Error("isCommand")
	}
}
