//go:build tools

// Package tools pins the Kubernetes commands built by stack/components/kube.sh: the control plane,
// and kubectl of the same release for the benchmarks (the reference tool, done the way a person would).
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
