#!/usr/bin/env python3
"""GStreamer webrtcbin as a WHIP publisher or WHEP player: a third-party test peer for Tally Studio.

Debian 12 ships GStreamer 1.22 without whipsink/whepsrc (those live in gst-plugins-rs), so this drives
webrtcbin itself: offer, wait for ICE gathering (no trickle), POST the SDP, apply the answer.
Prints "EVENT ..." lines and one "SUMMARY {json}" line.

    gst_webrtc_peer.py publish URL SECONDS
    gst_webrtc_peer.py play URL SECONDS
"""
import json
import sys
import threading
import time
import urllib.request

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

Gst.init(None)


def event(text):
    print("EVENT " + text, flush=True)


def summary(values, code=0):
    print("SUMMARY " + json.dumps(values), flush=True)
    sys.exit(code)


class Peer:
    def __init__(self, mode, url, seconds):
        self.mode, self.url, self.seconds = mode, url, seconds
        self.loop = GLib.MainLoop()
        self.frames = 0
        self.keyframes = 0
        self.connected_at = None
        self.states = []
        self.error = None
        if mode == "publish":
            self.pipe = Gst.parse_launch(
                "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 "
                "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 bframes=0 "
                "! video/x-h264,profile=constrained-baseline ! rtph264pay config-interval=-1 pt=102 "
                "! application/x-rtp,media=video,encoding-name=H264,payload=102 "
                "! webrtcbin name=w bundle-policy=max-bundle")
            self.webrtc = self.pipe.get_by_name("w")
        else:
            self.pipe = Gst.Pipeline.new("play")
            self.webrtc = Gst.ElementFactory.make("webrtcbin", "w")
            self.webrtc.set_property("bundle-policy", GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
            self.pipe.add(self.webrtc)
            caps = Gst.Caps.from_string(
                "application/x-rtp,media=video,encoding-name=H264,payload=102,clock-rate=90000,"
                "packetization-mode=(string)1,profile-level-id=(string)42e01f")
            self.webrtc.emit("add-transceiver", GstWebRTC.WebRTCRTPTransceiverDirection.RECVONLY, caps)
            self.webrtc.connect("pad-added", self.on_pad)
        self.webrtc.connect("on-negotiation-needed", self.on_negotiation_needed)
        self.webrtc.connect("notify::ice-gathering-state", self.on_gathering)
        self.webrtc.connect("notify::connection-state", self.on_connection)
        bus = self.pipe.get_bus()
        bus.add_signal_watch()
        bus.connect("message::error", self.on_error)

    def on_error(self, _bus, msg):
        err, dbg = msg.parse_error()
        self.error = "%s (%s)" % (err.message, dbg)
        event("error " + self.error)
        self.loop.quit()

    def on_connection(self, *_):
        state = self.webrtc.get_property("connection-state")
        self.states.append(state.value_nick)
        event("state " + state.value_nick)
        if state == GstWebRTC.WebRTCPeerConnectionState.CONNECTED and self.connected_at is None:
            self.connected_at = time.monotonic()
            event("connected")
            GLib.timeout_add_seconds(self.seconds, self.stop)

    def on_negotiation_needed(self, _element):
        promise = Gst.Promise.new_with_change_func(self.on_offer, None)
        self.webrtc.emit("create-offer", None, promise)

    def on_offer(self, promise, _data):
        reply = promise.get_reply()
        offer = reply.get_value("offer")
        self.webrtc.emit("set-local-description", offer, Gst.Promise.new())
        self.offered = True

    def on_gathering(self, *_):
        if self.webrtc.get_property("ice-gathering-state") != GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            return
        sdp = self.webrtc.get_property("local-description").sdp.as_text()
        threading.Thread(target=self.post, args=(sdp,), daemon=True).start()

    def post(self, sdp):
        request = urllib.request.Request(self.url, data=sdp.encode(), method="POST",
                                         headers={"Content-Type": "application/sdp"})
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                answer = r.read().decode()
                event("answered %d" % r.status)
        except Exception as e:  # refused or unreachable: report and stop
            self.error = "POST failed: %s" % e
            GLib.idle_add(self.loop.quit)
            return
        GLib.idle_add(self.apply_answer, answer)

    def apply_answer(self, text):
        _, msg = GstSdp.SDPMessage.new_from_text(text)
        answer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, msg)
        self.webrtc.emit("set-remote-description", answer, Gst.Promise.new())
        return False

    def on_pad(self, _element, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        chain = Gst.parse_bin_from_description(
            "rtph264depay ! h264parse ! video/x-h264,alignment=au ! fakesink name=sink signal-handoffs=true sync=false",
            True)
        self.pipe.add(chain)
        chain.get_by_name("sink").connect("handoff", self.on_frame)
        chain.sync_state_with_parent()
        pad.link(chain.get_static_pad("sink"))
        event("track " + pad.get_current_caps().to_string())

    def on_frame(self, _sink, buf, _pad):
        self.frames += 1
        if not buf.has_flags(Gst.BufferFlags.DELTA_UNIT):
            self.keyframes += 1

    def run(self):
        self.pipe.set_state(Gst.State.PLAYING)
        GLib.timeout_add_seconds(20, self.check_connected)
        self.loop.run()
        self.pipe.set_state(Gst.State.NULL)
        return {"error": self.error or "", "connected": self.connected_at is not None, "states": self.states,
                "frames": self.frames, "keyframes": self.keyframes}

    def check_connected(self):
        if self.connected_at is None:
            self.error = self.error or "not connected within 20 s"
            self.loop.quit()
        return False

    def stop(self):
        self.loop.quit()
        return False


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("publish", "play"):
        summary({"error": "usage: gst_webrtc_peer.py publish|play URL SECONDS"}, 2)
    result = Peer(sys.argv[1], sys.argv[2], int(sys.argv[3])).run()
    summary(result, 0 if not result["error"] else 1)
