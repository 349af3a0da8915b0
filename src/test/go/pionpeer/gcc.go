package main

// The -gcc publisher: pion/interceptor's Google Congestion Control (pkg/gcc, send-side, driven by
// transport-cc feedback only) with the transport-wide sequence stamped on every packet, and a
// publisher that sends at GCC's target: each frame of the (small) test file is padded with an H.264
// filler-data NAL unit (type 12) up to target / fps bytes, the way an encoder follows its rate
// controller. pion's GCC ignores REMB (it reads only transport-cc and RFC 8888 feedback).

import (
	"sync/atomic"

	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/cc"
	"github.com/pion/interceptor/pkg/gcc"
	"github.com/pion/webrtc/v3"
)

var estimator atomic.Value // cc.BandwidthEstimator of the one PeerConnection

// addGCC registers the congestion controller before the transport-cc header extension interceptor,
// so the sequence number is stamped before GCC records the packet as sent (pion's own example order).
func addGCC(m *webrtc.MediaEngine, ir *interceptor.Registry, startBps int) error {
	f, err := cc.NewInterceptor(func() (cc.BandwidthEstimator, error) {
		return gcc.NewSendSideBWE(gcc.SendSideBWEInitialBitrate(startBps), gcc.SendSideBWEMaxBitrate(6_000_000))
	})
	if err != nil {
		return err
	}
	f.OnNewPeerConnection(func(_ string, e cc.BandwidthEstimator) { estimator.Store(e) })
	ir.Add(f)
	return webrtc.ConfigureTWCCHeaderExtensionSender(m, ir)
}

// gccTarget is GCC's current target bit rate (0 without -gcc).
func gccTarget() int {
	if e, ok := estimator.Load().(cc.BandwidthEstimator); ok {
		return e.GetTargetBitrate()
	}
	return 0
}

// filler is a filler-data NAL unit (nal_unit_type 12) of n bytes: header, 0xFF bytes, rbsp trailing bits.
func filler(n int) []byte {
	if n < 2 {
		n = 2
	}
	b := make([]byte, n)
	b[0] = 12
	for i := 1; i < n-1; i++ {
		b[i] = 0xFF
	}
	b[n-1] = 0x80
	return b
}
