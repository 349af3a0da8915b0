package main

// players: many pion WHEP players in one process, a load generator for the fan-out benchmark
// (the way a Go QA tool or a pion-based SFU cascade would load the server).
//
//	pionpeer players -url http://127.0.0.1:PORT/rtc/v1/whep/?app=live&stream=s -n 300 [-in-flight 16] [-loopback]
//
// Each player is a full pion PeerConnection (its own UDP socket, DTLS, SRTP, the default interceptors:
// NACK, receiver reports, transport-cc feedback) that reads and decrypts every packet. Joins run with
// at most -in-flight handshakes at once. Once a second it prints
// "STATS {"t_ms","connected","failed","packets":[...],"bytes":[...]}" (cumulative per player);
// SIGUSR1 prints one at once; on SIGTERM or SIGINT (or after -seconds, if > 0) it closes every PeerConnection, DELETEs every
// WHEP session and prints a SUMMARY.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pion/ice/v2"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v3"
)

type player struct {
	pc        *webrtc.PeerConnection
	location  string
	packets   int64
	bytes     int64
	connected int32
	failed    int32
}

// playerAPI: one MediaEngine and interceptor registry per PeerConnection (pion v3 requires it),
// only UDP4 host candidates, loopback included when asked (the bench's server listens on 127.0.0.1).
func playerAPI(loopback bool) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	fb := []webrtc.RTCPFeedback{{Type: "nack"}, {Type: "nack", Parameter: "pli"}, {Type: "goog-remb"}}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
		SDPFmtpLine:  "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
		RTCPFeedback: fb}, PayloadType: 102}, webrtc.RTPCodecTypeVideo); err != nil {
		return nil, err
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"},
		PayloadType: 111}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, ir); err != nil {
		return nil, err
	}
	s := webrtc.SettingEngine{}
	s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	s.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	if loopback {
		s.SetIncludeLoopbackCandidate(true)
		s.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(s)), nil
}

func (p *player) join(endpoint string, loopback bool) error {
	api, err := playerAPI(loopback)
	if err != nil {
		return err
	}
	if p.pc, err = api.NewPeerConnection(webrtc.Configuration{}); err != nil {
		return err
	}
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo} {
		if _, err = p.pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			return err
		}
	}
	p.pc.OnTrack(func(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		buf := make([]byte, 1500)
		for {
			n, _, err := t.Read(buf) // decrypted by pion's SRTP session, through the interceptors
			if err != nil {
				return
			}
			atomic.AddInt64(&p.packets, 1)
			atomic.AddInt64(&p.bytes, int64(n))
		}
	})
	connected := make(chan struct{})
	var once sync.Once
	p.pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		switch s {
		case webrtc.PeerConnectionStateConnected:
			atomic.StoreInt32(&p.connected, 1)
			once.Do(func() { close(connected) })
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateDisconnected:
			atomic.StoreInt32(&p.connected, 0)
			atomic.StoreInt32(&p.failed, 1)
		}
	})
	offer, err := p.pc.CreateOffer(nil)
	if err != nil {
		return err
	}
	gathered := webrtc.GatheringCompletePromise(p.pc)
	if err = p.pc.SetLocalDescription(offer); err != nil {
		return err
	}
	<-gathered
	resp, err := http.Post(endpoint, "application/sdp", bytes.NewBufferString(p.pc.LocalDescription().SDP))
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("WHEP answered %d: %s", resp.StatusCode, body)
	}
	p.location = resp.Header.Get("Location")
	if err = p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(body)}); err != nil {
		return err
	}
	select {
	case <-connected:
		return nil
	case <-time.After(60 * time.Second):
		return fmt.Errorf("not connected within 60 s")
	}
}

func (p *player) leave(endpoint string) {
	if p.pc != nil {
		_ = p.pc.Close()
	}
	if p.location == "" {
		return
	}
	base, err := url.Parse(endpoint)
	if err != nil {
		return
	}
	ref, err := url.Parse(p.location)
	if err != nil {
		return
	}
	req, _ := http.NewRequest(http.MethodDelete, base.ResolveReference(ref).String(), nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
}

func players(o options, n, inFlight int, loopback bool) error {
	ps := make([]*player, n)
	var joinErrors int64
	var lastError atomic.Value
	sem := make(chan struct{}, inFlight)
	var joins sync.WaitGroup
	started := time.Now()
	for i := range ps {
		ps[i] = &player{}
	}
	joins.Add(n)
	go func() {
		for _, p := range ps {
			sem <- struct{}{}
			go func(p *player) {
				defer joins.Done()
				defer func() { <-sem }()
				if err := p.join(o.url, loopback); err != nil {
					atomic.AddInt64(&joinErrors, 1)
					atomic.StoreInt32(&p.failed, 1)
					lastError.Store(err.Error())
				}
			}(p)
		}
		joins.Wait()
		msg, _ := lastError.Load().(string)
		event("joined n=%d errors=%d ms=%d last_error=%q", n, atomic.LoadInt64(&joinErrors),
			time.Since(started).Milliseconds(), msg)
	}()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	now := make(chan os.Signal, 1) // SIGUSR1: a STATS line right now (the bench's window edges)
	signal.Notify(now, syscall.SIGUSR1)
	var deadline <-chan time.Time
	if o.seconds > 0 {
		deadline = time.After(time.Duration(o.seconds) * time.Second)
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	printStats := func() {
		st := struct {
			TMs       int64   `json:"t_ms"`
			Connected int     `json:"connected"`
			Failed    int     `json:"failed"`
			Packets   []int64 `json:"packets"`
			Bytes     []int64 `json:"bytes"`
		}{TMs: time.Now().UnixMilli(), Packets: make([]int64, n), Bytes: make([]int64, n)}
		for i, p := range ps {
			st.Connected += int(atomic.LoadInt32(&p.connected))
			st.Failed += int(atomic.LoadInt32(&p.failed))
			st.Packets[i] = atomic.LoadInt64(&p.packets)
			st.Bytes[i] = atomic.LoadInt64(&p.bytes)
		}
		b, _ := json.Marshal(st)
		fmt.Printf("STATS %s\n", b)
	}
loop:
	for {
		select {
		case <-tick.C:
			printStats()
		case <-now:
			printStats()
		case <-stop:
			break loop
		case <-deadline:
			break loop
		}
	}
	printStats()
	joins.Wait() // a player still joining owns its PeerConnection until then
	var leaves sync.WaitGroup
	for _, p := range ps {
		leaves.Add(1)
		go func(p *player) { defer leaves.Done(); p.leave(o.url) }(p)
	}
	leaves.Wait()
	fmt.Printf("SUMMARY {\"players\":%d,\"join_errors\":%d}\n", n, atomic.LoadInt64(&joinErrors))
	return nil
}
