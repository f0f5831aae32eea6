// Command ferretdb-local runs FerretDB v1.24.2 (SQLite backend) embedded, for
// development, tests and CI when MONGODB_URI is not set. It is a thin wrapper
// over the embeddable package github.com/FerretDB/FerretDB/ferretdb: the
// upstream cmd/ferretdb refuses to start when built outside FerretDB's own
// repository (it wants a generated build/version/version.txt).
//
// It listens on the given loopback address (port 0 picks a free port), prints
// one line "ready <mongodb-uri>" on stdout, and exits when it is signalled or
// when the process that started it (--parent-pid) is gone.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:0", "TCP address to listen on (loopback only)")
	dir := flag.String("data-dir", ".data/ferretdb", "directory for the SQLite files")
	parent := flag.Int("parent-pid", 0, "exit when this process is gone (0: do not watch)")
	verbose := flag.Bool("verbose", false, "log FerretDB's own messages to stderr")
	flag.Parse()

	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-local:", err)
		os.Exit(1)
	}

	out := io.Discard
	if *verbose {
		out = os.Stderr
	}
	logger := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelWarn}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		// Immediate transactions: with SQLite's default deferred ones, two
		// connections that both upgrade from read to write fail at once with
		// SQLITE_BUSY instead of waiting (FerretDB adds busy_timeout and WAL).
		SQLiteURL: "file:" + *dir + "/?_txlock=immediate&_pragma=synchronous(normal)",
		Logger:    logger,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-local:", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	if *parent > 0 {
		go func() {
			for {
				time.Sleep(500 * time.Millisecond)
				// Signal 0 checks for existence; a reparented process has a new parent.
				if syscall.Kill(*parent, 0) != nil || os.Getppid() != *parent {
					stop()
					return
				}
			}
		}()
	}

	done := make(chan struct{})
	go func() {
		_ = f.Run(ctx)
		close(done)
	}()

	// The _id expression indexes (see idindex.go): the existing files before
	// "ready", then new databases and collections as they appear.
	keeper := newIDIndexKeeper(*dir)
	if err := keeper.sweep(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-local: _id index:", err)
	}
	go func() {
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if err := keeper.sweep(ctx); err != nil && ctx.Err() == nil && *verbose {
					fmt.Fprintln(os.Stderr, "ferretdb-local: _id index:", err)
				}
			}
		}
	}()

	fmt.Printf("ready %s\n", f.MongoDBURI())
	<-done
}
