// iptables-wrapper has no dependencies; its own module keeps the ingredient
// build independent of kina's main go.mod.
module kina.local/ingredients/iptables-wrapper

go 1.24
