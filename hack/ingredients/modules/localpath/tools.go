//go:build tools

// Package tools records the provisioner command built from this module.
package tools

import _ "github.com/rancher/local-path-provisioner"
