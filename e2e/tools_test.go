package e2e

// defaultToolImage is the busybox helper image the ingredient build bakes
// into the node image (hack/ingredients/build.sh).
const defaultToolImage = "TODO"
