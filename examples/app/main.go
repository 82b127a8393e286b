// The example app the README's main job deploys: a small HTTP service answering /health and
// /ready, built into an image FROM the locally made base image. READY_AFTER delays readiness, and
// FAIL_HEALTH=1 makes /health fail, so the demo and the tests can show a gate saying no.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
	"time"
)

var version = "dev"

func main() {
	addr := os.Getenv("LISTEN")
	if addr == "" {
		addr = ":8080"
	}
	readyAfter, _ := time.ParseDuration(os.Getenv("READY_AFTER"))
	started := time.Now()
	reply := func(w http.ResponseWriter, status int, body map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		if os.Getenv("FAIL_HEALTH") == "1" {
			reply(w, http.StatusServiceUnavailable, map[string]any{"status": "failing", "version": version})
			return
		}
		reply(w, http.StatusOK, map[string]any{"status": "ok", "version": version})
	})
	mux.HandleFunc("/ready", func(w http.ResponseWriter, r *http.Request) {
		if time.Since(started) < readyAfter {
			reply(w, http.StatusServiceUnavailable, map[string]any{"status": "starting"})
			return
		}
		reply(w, http.StatusOK, map[string]any{"status": "ok"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusOK, map[string]any{"app": "phlo-example", "version": version})
	})
	log.Printf("phlo-example %s listening on %s", version, addr)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
