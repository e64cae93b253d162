package e2e

// defaultToolImage is the busybox helper image the ingredient build bakes
// into the node image (hack/ingredients/build.sh).
const defaultToolImage = "docker.io/kindest/local-path-helper:v0.0.30-kina"
