// Command mkimage writes a single-layer container image as a docker-archive
// tarball (the "docker save" format that `docker load`, `podman load` and
// `ctr images import` read), without a daemon or a base image.
//
// It is used to package kina's node-image ingredients (hack/ingredients) and
// kina's own small images. Every run with the same inputs produces the same
// bytes: file times are fixed, owners are root, and entries are sorted.
//
// Usage:
//
//	go run ./hack/tools/mkimage -tag REF -out FILE [flags]
//
// Flags:
//
//	-tag REF          fully qualified tag written to RepoTags, e.g.
//	                  registry.k8s.io/pause:3.10.1 (required)
//	-out FILE         archive to write; replaced atomically (required)
//	-add SRC=DEST[:MODE][:netbind]
//	                  copy file SRC to absolute path DEST in the image.
//	                  MODE is octal (default: SRC's permission bits).
//	                  netbind stores the security.capability xattr for
//	                  cap_net_bind_service=+ep (what `setcap` would write), so
//	                  a non-root process can bind ports below 1024.
//	                  Repeatable.
//	-add-dir SRCDIR=DEST
//	                  copy the tree SRCDIR to DEST, keeping directories,
//	                  regular files (with their permission bits) and symlinks
//	                  (targets unchanged). Repeatable.
//	-entrypoint ARG   append ARG to the entrypoint; repeatable. A value that
//	                  starts with '[' is a JSON array and sets the whole list.
//	-cmd ARG          the same for the default command.
//	-env KEY=VALUE    set an environment variable; repeatable. PATH defaults
//	                  to /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin.
//	-user USER        user (and optionally :group) to run as, e.g. 65532:65532
//	-workdir DIR      working directory (default /)
//	-created TIME     RFC 3339 time used for the image and every file
//	                  (default 2026-02-10T12:53:36Z)
//	-no-skeleton      leave out the default skeleton
//
// Unless -no-skeleton is given the layer also holds a minimal skeleton:
// /etc/passwd (root, nobody, nonroot 65532), /etc/group, /etc/nsswitch.conf
// and /tmp with mode 1777. Files added explicitly replace skeleton entries.
// Missing parent directories are created with mode 0755. The config always
// says os=linux, architecture=amd64.
//
// After writing, mkimage reads the archive back and validates it (digests,
// config, layer contents).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mkimage:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("mkimage", flag.ContinueOnError)
	var (
		spec                           Spec
		adds, addDirs, entry, cmd, env stringList
		created                        string
		noSkeleton                     bool
	)
	fs.StringVar(&spec.Tag, "tag", "", "fully qualified image tag (required)")
	fs.StringVar(&spec.Out, "out", "", "docker-archive file to write (required)")
	fs.Var(&adds, "add", "SRC=DEST[:MODE][:netbind], repeatable")
	fs.Var(&addDirs, "add-dir", "SRCDIR=DEST, repeatable")
	fs.Var(&entry, "entrypoint", "entrypoint argument (repeatable) or JSON array")
	fs.Var(&cmd, "cmd", "command argument (repeatable) or JSON array")
	fs.Var(&env, "env", "KEY=VALUE, repeatable")
	fs.StringVar(&spec.User, "user", "", "user[:group] to run as")
	fs.StringVar(&spec.WorkingDir, "workdir", "/", "working directory")
	fs.StringVar(&created, "created", DefaultCreated.Format(time.RFC3339), "fixed time for image and files (RFC 3339)")
	fs.BoolVar(&noSkeleton, "no-skeleton", false, "do not add /etc/passwd, /etc/group, /etc/nsswitch.conf, /tmp")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if spec.Tag == "" || spec.Out == "" {
		return fmt.Errorf("-tag and -out are required")
	}
	var err error
	if spec.Created, err = time.Parse(time.RFC3339, created); err != nil {
		return fmt.Errorf("-created: %w", err)
	}
	spec.Skeleton = !noSkeleton
	if spec.Entrypoint, err = argList(entry); err != nil {
		return fmt.Errorf("-entrypoint: %w", err)
	}
	if spec.Cmd, err = argList(cmd); err != nil {
		return fmt.Errorf("-cmd: %w", err)
	}
	for _, e := range env {
		if !strings.Contains(e, "=") {
			return fmt.Errorf("-env %q: want KEY=VALUE", e)
		}
	}
	spec.Env = env
	for _, a := range adds {
		f, err := parseAdd(a)
		if err != nil {
			return err
		}
		spec.Files = append(spec.Files, f)
	}
	for _, a := range addDirs {
		src, dest, ok := strings.Cut(a, "=")
		if !ok || src == "" || dest == "" {
			return fmt.Errorf("-add-dir %q: want SRCDIR=DEST", a)
		}
		spec.Dirs = append(spec.Dirs, DirSpec{Src: src, Dest: dest})
	}
	return Build(spec)
}
