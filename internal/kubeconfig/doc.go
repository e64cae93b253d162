// Package kubeconfig owns kina's entries in the user's kubeconfig files:
// which files to use (kubectl's rules), turning kubeadm's admin.conf into a
// kina-<cluster> entry, and merging that entry in or removing it again.
//
// Parsing and encoding of kubeconfig content goes through client-go's
// clientcmd. The merge itself edits the file's YAML tree and replaces only
// kina's own cluster, user and context entries, because a client-go round
// trip of the whole file is lossy: it drops fields it does not know and
// writes out defaults (args: null, provideClusterInfo: false, ...) into
// other tools' entries. Every other entry, top-level field and comment is
// kept as it was.
//
// Writes take the <file>.lock lock that kubectl and kind also use, and
// replace the file atomically with mode 0600. Nothing here logs, and errors
// never quote file contents: kubeconfigs hold credentials.
package kubeconfig
