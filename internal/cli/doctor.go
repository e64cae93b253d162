package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kina-dev/kina/internal/doctor"
)

func newDoctorCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Check that this host and its container runtime can run kina clusters",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := g.manager(cmd.Context())
			if err != nil {
				return err
			}
			fs := doctor.Check(cmd.Context(), doctor.Env{Provider: m.Provider()})
			if err := doctor.Render(g.env.Stdout, fs); err != nil {
				return err
			}
			if doctor.Failed(fs) {
				return fmt.Errorf("some checks failed; see the fixes above")
			}
			return nil
		},
	}
}
