package studio.tally.webrtc.dtls;

import java.io.IOException;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;

/**
 * One role of the DTLS-SRTP handshake ({@link SrtpDtlsServer} or {@link SrtpDtlsClient}) as
 * {@link DtlsSession} drives it: run the blocking handshake, then read what it produced. Called on
 * the session thread only.
 */
interface SrtpDtlsEndpoint {

  /** Runs BouncyCastle's accept (server) or connect (client) over {@code transport}; blocks. */
  DTLSTransport handshake(DatagramTransport transport) throws IOException;

  /** What the handshake negotiated, recorded on the way, or why we aborted it. */
  HandshakeOutcome outcome();

  /** The negotiated TLS cipher suite (IANA value); valid after the handshake. */
  int cipherSuite();
}
