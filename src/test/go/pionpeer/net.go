package main

// pion's socket, wrapped: counts the STUN it sends and loses DTLS datagrams on purpose.

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pion/transport/v2"
	"github.com/pion/transport/v2/stdnet"
)

// stunSent counts STUN messages pion writes (first byte 0 or 1, RFC 7983), to show what it sends after connecting.
var stunSent int64

type countingNet struct{ *stdnet.Net }

func (n countingNet) ListenUDP(network string, laddr *net.UDPAddr) (transport.UDPConn, error) {
	c, err := n.Net.ListenUDP(network, laddr)
	if err != nil {
		return nil, err
	}
	return &countingConn{UDPConn: c}, nil
}

type countingConn struct{ transport.UDPConn }

func count(b []byte) {
	if len(b) >= 20 && b[0] < 2 {
		atomic.AddInt64(&stunSent, 1)
	}
}

func (c *countingConn) WriteTo(b []byte, a net.Addr) (int, error) {
	count(b)
	if loss.drop("out", b) {
		return len(b), nil
	}
	return c.UDPConn.WriteTo(b, a)
}

// ReadFrom loses incoming DTLS datagrams the way -drop-flights-once and -drop-client-hellos say.
func (c *countingConn) ReadFrom(b []byte) (int, net.Addr, error) {
	for {
		n, a, err := c.UDPConn.ReadFrom(b)
		if err != nil || !loss.drop("in", b[:n]) {
			return n, a, err
		}
	}
}

// lossy drops DTLS datagrams on pion's socket, in both directions: the first copy of every flight
// (recognised by its shape: per record the epoch and content type, and for clear handshake records
// the message type and message_seq; retransmissions have the same shape), and/or the first N
// ClientHellos.
type lossy struct {
	mu           sync.Mutex
	flightsOnce  bool
	clientHellos int
	seen         map[string]bool
	dropped      int64
}

var loss = &lossy{seen: map[string]bool{}}

func dtlsShape(d []byte) (string, bool) {
	if len(d) < 13 || d[0] < 20 || d[0] > 63 {
		return "", false
	}
	shape := ""
	hello := false
	for off := 0; off+13 <= len(d); {
		typ, epoch := d[off], int(d[off+3])<<8|int(d[off+4])
		length := int(d[off+11])<<8 | int(d[off+12])
		body := off + 13
		if typ == 22 && epoch == 0 && length >= 12 && body+6 <= len(d) {
			shape += fmt.Sprintf("hs%d#%d,", d[body], int(d[body+4])<<8|int(d[body+5]))
			hello = hello || d[body] == 1
		} else {
			shape += fmt.Sprintf("e%dt%dl%d,", epoch, typ, length)
		}
		off = body + length
	}
	if hello {
		shape = "hello:" + shape
	}
	return shape, true
}

func (l *lossy) drop(dir string, d []byte) bool {
	shape, ok := dtlsShape(d)
	if !ok {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.clientHellos > 0 && strings.HasPrefix(shape, "hello:") {
		l.clientHellos--
		l.dropped++
		event("dropped %s %s", dir, shape)
		return true
	}
	if l.flightsOnce && !l.seen[dir+shape] {
		l.seen[dir+shape] = true
		l.dropped++
		event("dropped %s %s", dir, shape)
		return true
	}
	return false
}
func (c *countingConn) WriteToUDP(b []byte, a *net.UDPAddr) (int, error) {
	count(b)
	return c.UDPConn.WriteToUDP(b, a)
}
func (c *countingConn) Write(b []byte) (int, error) { count(b); return c.UDPConn.Write(b) }
