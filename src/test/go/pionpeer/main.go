// pionpeer: a pion/webrtc v3 WHIP publisher and WHEP player, a third-party test peer for Tally
// Studio's WebRTC server (the stack of MediaMTX, LiveKit, Galène and most Go tools).
//
// Built offline by the tests from Debian's golang-github-pion-webrtc.v3-dev in GOPATH mode
// (GO111MODULE=off, GOPATH=/usr/share/gocode; the go.mod beside this file makes the /v3 import
// paths resolve). It prints "EVENT ..." lines as things happen and one "SUMMARY {json}" line at the end.
//
//	pionpeer play    -url http://host/rtc/v1/whep/?app=live&stream=s -seconds 20 [-keepalive=false] [-nack=false] [-mode0] [-rsa]
//	pionpeer players -url http://host/rtc/v1/whep/?app=live&stream=s -n 300 [-loopback] (see players.go)
//	pionpeer publish -url http://host/rtc/v1/whip/?app=live&stream=s -h264 file.h264 -seconds 20 [-mode0] [-rsa]
package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/transport/v2/stdnet"
	"github.com/pion/webrtc/v3"
	"github.com/pion/webrtc/v3/pkg/media/h264reader"
)

func event(format string, args ...interface{}) {
	fmt.Printf("EVENT "+format+"\n", args...)
}

func fail(err error) {
	fmt.Printf("SUMMARY {\"error\":%q}\n", err.Error())
	os.Exit(2)
}

type options struct {
	url       string
	seconds   int
	keepalive bool
	nack      bool
	mode0     bool
	rsa       bool
	h264      string
	fps       int
	srs       bool
	passive   bool
	loopback  bool
	gcc       bool
	gccStart  int
}

func main() {
	if len(os.Args) < 2 {
		fail(errors.New("usage: pionpeer play|publish -url URL ..."))
	}
	mode := os.Args[1]
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	o := options{}
	fs.StringVar(&o.url, "url", "", "WHIP or WHEP endpoint")
	fs.IntVar(&o.seconds, "seconds", 10, "how long to run after connecting")
	fs.BoolVar(&o.keepalive, "keepalive", true, "send ICE keepalive checks (false: no STUN after connecting)")
	fs.BoolVar(&o.nack, "nack", true, "offer nack/nack pli")
	fs.BoolVar(&o.mode0, "mode0", false, "offer only H.264 packetization-mode 0")
	fs.BoolVar(&o.rsa, "rsa", false, "RSA-4096 certificate instead of ECDSA P-256")
	fs.StringVar(&o.h264, "h264", "", "Annex B H.264 file to publish (looped)")
	fs.IntVar(&o.fps, "fps", 30, "frames per second to publish")
	fs.BoolVar(&o.srs, "srs", false, "SRS JSON API (url is /rtc/v1/publish/ or /rtc/v1/play/, streamurl from -stream)")
	fs.BoolVar(&loss.flightsOnce, "drop-flights-once", false, "lose the first copy of every DTLS flight, both ways")
	fs.IntVar(&loss.clientHellos, "drop-client-hellos", 0, "lose the first N DTLS ClientHellos (either way)")
	fs.BoolVar(&o.passive, "passive", false, "tell the server a=setup:passive, so it is the DTLS client (pion then serves)")
	n := fs.Int("n", 100, "players: how many PeerConnections")
	inFlight := fs.Int("in-flight", 16, "players: joins (ICE + DTLS) at once")
	fs.BoolVar(&o.loopback, "loopback", false, "gather loopback candidates only (a server on 127.0.0.1)")
	fs.BoolVar(&o.gcc, "gcc", false, "publish: pion's GCC on transport-cc feedback, sending at its target (see gcc.go)")
	fs.IntVar(&o.gccStart, "gcc-start", 500_000, "publish -gcc: GCC's initial target, bit/s")
	_ = fs.Parse(os.Args[2:])
	var err error
	switch mode {
	case "play":
		err = play(o)
	case "publish":
		err = publish(o)
	case "players":
		err = players(o, *n, *inFlight, o.loopback)
	default:
		err = fmt.Errorf("unknown mode %q", mode)
	}
	if err != nil {
		fail(err)
	}
}

func newPeerConnection(o options, direction webrtc.RTPTransceiverDirection) (*webrtc.PeerConnection, error) {
	m := &webrtc.MediaEngine{}
	var fb []webrtc.RTCPFeedback
	if o.nack {
		fb = []webrtc.RTCPFeedback{{Type: "nack"}, {Type: "nack", Parameter: "pli"}, {Type: "goog-remb"}}
	} else {
		fb = []webrtc.RTCPFeedback{{Type: "goog-remb"}}
	}
	pm := "1"
	if o.mode0 {
		pm = "0"
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
		SDPFmtpLine:  "level-asymmetry-allowed=1;packetization-mode=" + pm + ";profile-level-id=42e01f",
		RTCPFeedback: fb}, PayloadType: 102}, webrtc.RTPCodecTypeVideo); err != nil {
		return nil, err
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"},
		PayloadType: 111}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, ir); err != nil { // NACK, RTCP reports, transport-cc feedback for what it receives
		return nil, err
	}
	if o.gcc {
		if err := addGCC(m, ir, o.gccStart); err != nil {
			return nil, err
		}
	}
	s := webrtc.SettingEngine{}
	n, err := stdnet.NewNet()
	if err != nil {
		return nil, err
	}
	s.SetNet(countingNet{n})
	s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	if o.loopback {
		s.SetIncludeLoopbackCandidate(true)
		s.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	}
	if !o.keepalive { // pion's default is a check every 2 s only when the pair is idle; none at all here
		s.SetICETimeouts(30*time.Second, 60*time.Second, time.Hour)
	}
	var cert *webrtc.Certificate
	if o.rsa {
		k, err := rsa.GenerateKey(rand.Reader, 4096)
		if err != nil {
			return nil, err
		}
		cert, err = webrtc.GenerateCertificate(k)
		if err != nil {
			return nil, err
		}
	} else {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		cert, err = webrtc.GenerateCertificate(k)
		if err != nil {
			return nil, err
		}
	}
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(s))
	return api.NewPeerConnection(webrtc.Configuration{Certificates: []webrtc.Certificate{*cert}})
}

// exchange gathers, POSTs the offer (WHIP/WHEP, or SRS's JSON API) and applies the answer.
func exchange(pc *webrtc.PeerConnection, o options) error {
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err = pc.SetLocalDescription(offer); err != nil {
		return err
	}
	<-gathered
	sdp := pc.LocalDescription().SDP
	if o.passive { // pion keeps actpass locally and takes whichever role the answer leaves it
		sdp = strings.ReplaceAll(sdp, "a=setup:actpass", "a=setup:passive")
	}
	var answer string
	if o.srs {
		u, err := url.Parse(o.url)
		if err != nil {
			return err
		}
		stream := u.Query().Get("stream")
		u.RawQuery = ""
		req, _ := json.Marshal(map[string]string{"api": u.String(), "tid": "0a1b2c3",
			"streamurl": "webrtc://" + u.Host + "/live/" + stream, "clientip": "", "sdp": sdp})
		resp, err := http.Post(u.String(), "application/json", bytes.NewReader(req))
		if err != nil {
			return err
		}
		var r struct {
			Code      int    `json:"code"`
			Sdp       string `json:"sdp"`
			Sessionid string `json:"sessionid"`
		}
		err = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if err != nil || r.Code != 0 {
			fmt.Printf("SUMMARY {\"refused\":%d,\"message\":%q}\n", r.Code, fmt.Sprint(err))
			os.Exit(3)
		}
		event("answered session=%s", r.Sessionid)
		answer = r.Sdp
	} else {
		resp, err := http.Post(o.url, "application/sdp", bytes.NewBufferString(sdp))
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			fmt.Printf("SUMMARY {\"refused\":%d,\"message\":%q}\n", resp.StatusCode, string(body))
			os.Exit(3)
		}
		location = resp.Header.Get("Location")
		event("answered location=%s", location)
		answer = string(body)
	}
	for _, l := range strings.Split(answer, "\n") {
		if strings.HasPrefix(l, "a=setup:") {
			event("answer %s", strings.TrimSpace(l))
			break
		}
	}
	return pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer})
}

type watcher struct {
	mu          sync.Mutex
	connectedAt time.Time
	failed      string
	connected   chan struct{}
	started     time.Time
	once        sync.Once
	stunAtConn  int64
}

func watch(pc *webrtc.PeerConnection) *watcher {
	w := &watcher{connected: make(chan struct{}), started: time.Now()}
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		event("state %s", s.String())
		w.mu.Lock()
		defer w.mu.Unlock()
		switch s {
		case webrtc.PeerConnectionStateConnected:
			w.once.Do(func() {
				w.connectedAt = time.Now()
				w.stunAtConn = atomic.LoadInt64(&stunSent)
				close(w.connected)
			})
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateDisconnected, webrtc.PeerConnectionStateClosed:
			if w.failed == "" && !w.connectedAt.IsZero() {
				w.failed = s.String() + " after " + time.Since(w.connectedAt).Round(time.Millisecond).String()
			}
		}
	})
	return w
}

func (w *watcher) await(d time.Duration) error {
	select {
	case <-w.connected:
		return nil
	case <-time.After(d):
		return fmt.Errorf("not connected within %s", d)
	}
}

func play(o options) error {
	pc, err := newPeerConnection(o, webrtc.RTPTransceiverDirectionRecvonly)
	if err != nil {
		return err
	}
	defer pc.Close()
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo} {
		if _, err = pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			return err
		}
	}
	var audio, video, keyframes int64
	var firstVideoNal, firstArrivedNal int32 = -1, -1
	var firstSeq uint16 // only the video track's goroutine touches these three
	var firstUntil time.Time
	var earliest int16
	var lastVideo int64
	pc.OnTrack(func(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		event("track %s %s", t.Kind().String(), t.Codec().MimeType)
		for {
			p, _, err := t.ReadRTP()
			if err != nil {
				return
			}
			if t.Kind() == webrtc.RTPCodecTypeAudio {
				atomic.AddInt64(&audio, 1)
				continue
			}
			atomic.AddInt64(&video, 1)
			atomic.StoreInt64(&lastVideo, time.Now().UnixNano())
			if len(p.Payload) > 0 {
				nal := p.Payload[0] & 0x1f
				if nal == 24 && len(p.Payload) > 3 { // STAP-A: the first aggregated NAL
					nal = p.Payload[3] & 0x1f
				} else if nal == 28 && len(p.Payload) > 1 && p.Payload[1]&0x80 != 0 { // FU-A start
					nal = p.Payload[1] & 0x1f
				}
				// the stream's first packet is the lowest sequence number of its first second: a lost
				// first packet that NACK brings back arrives after later ones but still counts as first
				if atomic.CompareAndSwapInt32(&firstArrivedNal, -1, int32(nal)) {
					firstSeq, firstUntil = p.SequenceNumber, time.Now().Add(time.Second)
					atomic.StoreInt32(&firstVideoNal, int32(nal))
				} else if off := int16(p.SequenceNumber - firstSeq); off < earliest && time.Now().Before(firstUntil) {
					earliest = off
					atomic.StoreInt32(&firstVideoNal, int32(nal))
				}
				if nal == 7 || nal == 5 && (p.Payload[0]&0x1f != 28 || p.Payload[1]&0x80 != 0) {
					atomic.AddInt64(&keyframes, 1)
				}
			}
		}
	})
	w := watch(pc)
	if err = exchange(pc, o); err != nil {
		return err
	}
	if err = w.await(40 * time.Second); err != nil {
		return err
	}
	event("connected stun_so_far=%d", w.stunAtConn)
	time.Sleep(time.Duration(o.seconds) * time.Second)
	w.mu.Lock()
	failed := w.failed
	w.mu.Unlock()
	sinceVideo := int64(-1)
	if lv := atomic.LoadInt64(&lastVideo); lv != 0 {
		sinceVideo = time.Since(time.Unix(0, lv)).Milliseconds()
	}
	summary := map[string]interface{}{
		"connected_ms":        time.Since(w.connectedAt).Milliseconds(),
		"state":               pc.ConnectionState().String(),
		"failed":              failed,
		"audio_packets":       atomic.LoadInt64(&audio),
		"video_packets":       atomic.LoadInt64(&video),
		"keyframes":           atomic.LoadInt64(&keyframes),
		"first_video_nal":     atomic.LoadInt32(&firstVideoNal),
		"first_arrived_nal":   atomic.LoadInt32(&firstArrivedNal),
		"ms_since_last_video": sinceVideo,
		"stun_after_connect":  atomic.LoadInt64(&stunSent) - w.stunAtConn,
		"dtls_dropped":        loss.dropped,
		"connect_ms":          w.connectedAt.Sub(w.started).Milliseconds(),
	}
	b, _ := json.Marshal(summary)
	fmt.Printf("SUMMARY %s\n", b)
	return nil
}

func publish(o options) error {
	data, err := os.ReadFile(o.h264)
	if err != nil {
		return err
	}
	pc, err := newPeerConnection(o, webrtc.RTPTransceiverDirectionSendonly)
	if err != nil {
		return err
	}
	defer pc.Close()
	codec := webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000}
	track, err := webrtc.NewTrackLocalStaticRTP(codec, "video", "pion")
	if err != nil {
		return err
	}
	sender, err := pc.AddTrack(track)
	if err != nil {
		return err
	}
	var plis int64
	go func() { // read RTCP so the interceptors see it; count PLIs
		for {
			pkts, _, err := sender.ReadRTCP()
			if err != nil {
				return
			}
			for _, p := range pkts {
				if fmt.Sprintf("%T", p) == "*rtcp.PictureLossIndication" {
					atomic.AddInt64(&plis, 1)
				}
			}
		}
	}()
	w := watch(pc)
	if err = exchange(pc, o); err != nil {
		return err
	}
	if err = w.await(40 * time.Second); err != nil {
		return err
	}
	event("connected")
	var pt uint8 = 102
	for _, p := range sender.GetParameters().Codecs {
		pt = uint8(p.PayloadType)
	}
	ssrc := uint32(sender.GetParameters().Encodings[0].SSRC)
	var seq uint16
	var packets, oversize int64
	frameTicks := uint32(90000 / o.fps)
	var ts uint32
	deadline := time.Now().Add(time.Duration(o.seconds) * time.Second)
	tick := time.NewTicker(time.Second / time.Duration(o.fps))
	defer tick.Stop()
	var sentBytes, maxTarget int64
	lastReport, lastBytes := time.Now(), int64(0)
	send := func(payload []byte, marker bool) error {
		sentBytes += int64(len(payload))
		pkt := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: pt, SequenceNumber: seq, Timestamp: ts,
			SSRC: ssrc, Marker: marker}, Payload: payload}
		seq++
		packets++
		return track.WriteRTP(pkt)
	}
	sendFrame := func(frame [][]byte) error {
		if o.gcc { // follow GCC's target like an encoder's rate control: pad the frame up to target / fps
			target := gccTarget()
			if int64(target) > maxTarget {
				maxTarget = int64(target)
			}
			size := 0
			for _, n := range frame {
				size += len(n)
			}
			if pad := target/8/o.fps - size; pad > 0 {
				frame = append(frame[:len(frame):len(frame)], filler(pad))
			}
			if time.Since(lastReport) >= time.Second {
				event("rate gcc_target_kbps=%d sent_kbps=%d", target/1000,
					(sentBytes-lastBytes)*8/time.Since(lastReport).Milliseconds())
				lastReport, lastBytes = time.Now(), sentBytes
			}
		}
		for i, n := range frame {
			last := i == len(frame)-1
			if o.mode0 || len(n) <= 1100 { // single NAL unit packets (all mode 0 allows)
				if len(n) > 1200 {
					oversize++
				}
				if err := send(n, last); err != nil {
					return err
				}
				continue
			}
			hdr, body := n[0], n[1:] // FU-A
			for off := 0; off < len(body); off += 1000 {
				end := off + 1000
				if end > len(body) {
					end = len(body)
				}
				fu := []byte{hdr&0xe0 | 28, hdr & 0x1f}
				if off == 0 {
					fu[1] |= 0x80
				}
				if end == len(body) {
					fu[1] |= 0x40
				}
				if err := send(append(fu, body[off:end]...), last && end == len(body)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for time.Now().Before(deadline) {
		r, err := h264reader.NewReader(bytes.NewReader(data))
		if err != nil {
			return err
		}
		var frame [][]byte
		hasSlice := false
		for time.Now().Before(deadline) {
			nal, err := r.NextNAL()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			t := nal.Data[0] & 0x1f
			isSlice := t == 1 || t == 5
			// a new access unit starts with SPS/PPS/SEI/AUD or a slice whose first_mb_in_slice is 0
			startsFrame := t == 6 || t == 7 || t == 8 || t == 9 || isSlice && len(nal.Data) > 1 && nal.Data[1]&0x80 != 0
			if startsFrame && hasSlice {
				if err := sendFrame(frame); err != nil {
					return err
				}
				frame, hasSlice = frame[:0], false
				ts += frameTicks
				<-tick.C
			}
			frame = append(frame, append([]byte(nil), nal.Data...))
			hasSlice = hasSlice || isSlice
		}
	}
	w.mu.Lock()
	failed := w.failed
	w.mu.Unlock()
	summary := map[string]interface{}{
		"state":              pc.ConnectionState().String(),
		"failed":             failed,
		"packets":            packets,
		"oversize_single":    oversize,
		"plis":               atomic.LoadInt64(&plis),
		"stun_after_connect": atomic.LoadInt64(&stunSent) - w.stunAtConn,
		"gcc_max_target":     maxTarget,
		"gcc_last_target":    gccTarget(),
	}
	deleteSession(o.url)
	b, _ := json.Marshal(summary)
	fmt.Printf("SUMMARY %s\n", b)
	return nil
}

// location is the session resource of the last answer (DELETE ends it, as WHIP clients do on stop).
var location string

func deleteSession(endpoint string) {
	if location == "" {
		return
	}
	base, err := url.Parse(endpoint)
	if err != nil {
		return
	}
	ref, err := url.Parse(location)
	if err != nil {
		return
	}
	req, _ := http.NewRequest(http.MethodDelete, base.ResolveReference(ref).String(), nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		event("deleted status=%d", resp.StatusCode)
		resp.Body.Close()
	}
}
