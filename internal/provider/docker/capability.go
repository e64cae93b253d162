package docker

import (
	"os"
	"strconv"
	"strings"
)

// capSysResource is CAP_SYS_RESOURCE's bit number. Without it in the bounding
// set, a local runtime cannot start privileged containers.
const capSysResource = 24

// HostHasCapability reports whether this process's capability bounding set
// holds capability bit c. For a runtime on this host the daemon's set is no
// larger than ours, so a missing bit means --privileged cannot work. When the
// set cannot be read (not Linux, e.g. a Docker Desktop VM) it answers true.
func HostHasCapability(c uint) bool {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return true
	}
	return boundingSetHas(string(data), c)
}

func boundingSetHas(status string, c uint) bool {
	for _, line := range strings.Split(status, "\n") {
		v, ok := strings.CutPrefix(line, "CapBnd:")
		if !ok {
			continue
		}
		bits, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		if err != nil {
			return true
		}
		return bits&(1<<c) != 0
	}
	return true
}
