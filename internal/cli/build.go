package cli

import "github.com/spf13/cobra"

func newBuildCommand() *cobra.Command {
	c := &cobra.Command{Use: "build", Short: "Build node images", Args: cobra.NoArgs}
	c.AddCommand(newBuildNodeImageCommand())
	return c
}
