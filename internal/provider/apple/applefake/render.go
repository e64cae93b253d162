package applefake

import (
	"encoding/json"
	"fmt"
	"strings"
)

// template returns the first (running) entry of the version's list.json:
// every rendered container starts as a copy of it, so fields kina does not
// set keep the version's real shape.
func (f *fake) template() (map[string]any, bool, error) {
	raw := f.file("list.json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(raw), &list); err != nil || len(list) == 0 {
		return nil, false, fmt.Errorf("list.json: %v", err)
	}
	return list[0], strings.Contains(raw, `\/`), nil
}

func (f *fake) render(names []string) (string, error) {
	tmpl, escape, err := f.template()
	if err != nil {
		return "", err
	}
	out := []any{}
	for _, n := range names {
		out = append(out, f.renderOne(f.st.Containers[n], clone(tmpl)))
	}
	data, err := json.Marshal(out)
	if err != nil {
		return "", err
	}
	s := string(data)
	if escape {
		s = strings.ReplaceAll(s, "/", `\/`) // Swift's encoder escapes slashes up to 1.3
	}
	return s + "\n", nil
}

func (f *fake) renderOne(c *ctr, m map[string]any) map[string]any {
	cfg := obj(m, "configuration")
	cfg["id"] = c.Name
	obj(cfg, "image")["reference"] = c.Image
	cfg["labels"] = c.Labels
	ports := c.Ports
	if ports == nil {
		ports = []map[string]any{}
	}
	cfg["publishedPorts"] = ports
	if _, ok := cfg["capAdd"]; ok {
		caps := c.CapAdd
		if caps == nil {
			caps = []string{}
		}
		cfg["capAdd"] = caps
	}
	res := obj(cfg, "resources")
	res["cpus"], res["memoryInBytes"] = c.CPUs, c.MemoryBytes
	if nets, ok := cfg["networks"].([]any); ok && len(nets) > 0 {
		if n, ok := nets[0].(map[string]any); ok {
			n["network"] = c.Network
			obj(n, "options")["hostname"] = c.Name
		}
	}
	var atts []any
	var tmplAtt map[string]any
	if f.meta.Shape == "1.0" {
		tmplAtt = first(obj(m, "status")["networks"])
	} else {
		tmplAtt = first(m["networks"])
	}
	if c.Running && tmplAtt != nil {
		a := clone(tmplAtt)
		a["hostname"], a["network"] = c.Name, c.Network
		addr := fmt.Sprintf("192.168.64.%d/24", c.IP)
		if _, old := a["address"]; old {
			a["address"], a["gateway"] = addr, "192.168.64.1"
		} else {
			a["ipv4Address"], a["ipv4Gateway"] = addr, "192.168.64.1"
			if _, ok := a["ipv6Address"]; ok {
				a["ipv6Address"] = fmt.Sprintf("fd00:64::%x/64", c.IP)
			}
		}
		atts = append(atts, a)
	}
	if atts == nil {
		atts = []any{}
	}
	state := "stopped"
	if c.Running {
		state = "running"
	}
	if f.meta.Shape == "1.0" {
		m["id"] = c.Name
		st := obj(m, "status")
		st["state"], st["networks"] = state, atts
		if !c.Running {
			delete(st, "startedDate")
		}
	} else {
		m["status"], m["networks"] = state, atts
		if !c.Running {
			delete(m, "startedDate")
		}
	}
	return m
}

func obj(m map[string]any, key string) map[string]any {
	if v, ok := m[key].(map[string]any); ok {
		return v
	}
	v := map[string]any{}
	m[key] = v
	return v
}

func first(v any) map[string]any {
	if l, ok := v.([]any); ok && len(l) > 0 {
		if m, ok := l[0].(map[string]any); ok {
			return m
		}
	}
	return nil
}

func clone(m map[string]any) map[string]any {
	data, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(data, &out)
	return out
}
