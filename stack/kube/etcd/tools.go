//go:build tools

// Package tools pins the etcd command built by stack/components/etcd.sh.
package tools

import _ "go.etcd.io/etcd/server/v3"
