//go:build tools

// Package tools pins the kubelet of the stack's real node (stack/components/node.sh): the same
// Kubernetes release as the control plane in ../build, with the same replace lines and the same
// version of every module both need (test/unit/kube-modules.test.ts keeps them equal). It is a module
// of its own so that the kubelet's extra modules do not change ../build's go.sum, which keys the
// control plane's cache entry.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kubelet"
)
