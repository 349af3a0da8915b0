package studio.tally.proto.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import studio.tally.proto.Hex;

/**
 * Published vectors:
 * <ul>
 *   <li>RFC 3711 Appendix B.2 (AES-CM keystream) and B.3 (key derivation);
 *   <li>libsrtp {@code test/srtp_driver.c} {@code srtp_validate()}: a whole AES_CM_128_HMAC_SHA1_80
 *       packet and SRTCP packet from the B.3 master key (covers KDF + AES-CM + HMAC together);
 *   <li>RFC 7714 §16.1.1 (SRTP) and §17.1 / §17.3 (SRTCP encrypted / tag-only) for
 *       AEAD_AES_128_GCM, which are given with session keys (no KDF).
 * </ul>
 */
class SrtpVectorsTest {
  private static final byte[] B3_MASTER_KEY = Hex.bytes("E1F97A0D3E018BE0D64FA32C06DE4139");
  private static final byte[] B3_MASTER_SALT = Hex.bytes("0EC675AD498AFEEBB6960B3AABE6");

  @Test
  void rfc3711B3KeyDerivation() {
    SrtpSessionKeys k = SrtpSessionKeys.derive(SrtpProfile.AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT, false);
    assertArrayEquals(Hex.bytes("C61E7A93744F39EE10734AFE3FF7A087"), k.encryptionKey());
    assertArrayEquals(Hex.bytes("30CBBC08863D8C85D49DB34A9AE1"), k.salt());
    assertArrayEquals(Hex.bytes("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"), k.authKey());
    // the full label-1 keystream the RFC prints (94 bytes)
    assertArrayEquals(Hex.bytes("""
        CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE
        E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25
        6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2"""),
        SrtpSessionKeys.prf(B3_MASTER_KEY, B3_MASTER_SALT, 1, 94));
  }

  @Test
  void rfc3711B2AesCmKeystream() {
    // session key and salt given directly; SSRC 0, ROC 0, SEQ 0 → a zero payload encrypts to the keystream
    SrtpSessionKeys keys = new SrtpSessionKeys(Hex.bytes("2B7E151628AED2A6ABF7158809CF4F3C"),
        Hex.bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"), new byte[20]);
    SrtpContext ctx = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_80, keys, keys);
    int payload = 0xFF02 * 16; // up to counter ...FF01
    byte[] packet = new byte[12 + payload + 10];
    packet[0] = (byte) 0x80;
    assertEquals(12 + payload + 10, ctx.protectRtp(packet, 0, 12 + payload));
    assertArrayEquals(Hex.bytes("""
        E03EAD0935C95E80E166B16DD92B4EB4   # counter F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000
        D23513162B02D0F72A43A2FE4A5F97AB   # ...0001
        41E95B3BB0A2E8DD477901E4FCA894C0   # ...0002"""), Arrays.copyOfRange(packet, 12, 12 + 48));
    int at = 12 + 0xFEFF * 16;
    assertArrayEquals(Hex.bytes("""
        EC8CDF7398607CB0F2D21675EA9EA1E4   # ...FEFF
        362B7C3C6773516318A077D7FC5073AE   # ...FF00
        6A2CC3787889374FBEB4C81B17BA6C44   # ...FF01"""), Arrays.copyOfRange(packet, at, at + 48));
  }

  private static final String LIBSRTP_RTP = "800f1234decafbadcafebabe abababababababababababababababab";
  private static final String LIBSRTP_SRTP_TAG80 = "800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb";
  private static final String LIBSRTP_RTCP = "81c8000bcafebabe abababababababababababababababab";
  private static final String LIBSRTP_SRTCP = "81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798";

  @Test
  void libsrtpAesCm128HmacSha1_80Packet() {
    SrtpContext send = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT);
    byte[] buf = Arrays.copyOf(Hex.bytes(LIBSRTP_RTP), 64);
    int n = send.protectRtp(buf, 0, 28);
    assertArrayEquals(Hex.bytes(LIBSRTP_SRTP_TAG80), Arrays.copyOf(buf, n));

    SrtpContext recv = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT);
    assertEquals(28, recv.unprotectRtp(buf, 0, n));
    assertArrayEquals(Hex.bytes(LIBSRTP_RTP), Arrays.copyOf(buf, 28));
  }

  @Test
  void libsrtpAesCm128HmacSha1_32PacketHasTheTruncatedTag() {
    SrtpContext send = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_32, B3_MASTER_KEY, B3_MASTER_SALT);
    byte[] buf = Arrays.copyOf(Hex.bytes(LIBSRTP_RTP), 64);
    int n = send.protectRtp(buf, 0, 28);
    assertArrayEquals(Arrays.copyOf(Hex.bytes(LIBSRTP_SRTP_TAG80), 32), Arrays.copyOf(buf, n));
    SrtpContext recv = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_32, B3_MASTER_KEY, B3_MASTER_SALT);
    assertEquals(28, recv.unprotectRtp(buf, 0, n));
  }

  @Test
  void libsrtpSrtcpPacket() {
    SrtpContext send = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT);
    send.setNextSrtcpIndex(0xcafebabe, 1); // libsrtp's first SRTCP index is 1
    byte[] buf = Arrays.copyOf(Hex.bytes(LIBSRTP_RTCP), 64);
    int n = send.protectRtcp(buf, 0, 24);
    assertArrayEquals(Hex.bytes(LIBSRTP_SRTCP), Arrays.copyOf(buf, n));

    SrtpContext recv = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT);
    assertEquals(24, recv.unprotectRtcp(buf, 0, n));
    assertArrayEquals(Hex.bytes(LIBSRTP_RTCP), Arrays.copyOf(buf, 24));
  }

  // RFC 7714 §16 / §17: session key 000102..0f, session salt "Quid pro quo"
  private static final SrtpSessionKeys GCM_KEYS = new SrtpSessionKeys(
      Hex.bytes("000102030405060708090a0b0c0d0e0f"), Hex.bytes("517569642070726f2071756f"), new byte[0]);
  private static final String GCM_RTP = """
      8040f17b8041f8d35501a0b2
      47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573""";
  private static final String GCM_SRTP = """
      8040f17b8041f8d35501a0b2
      f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833
      899d7f27beb16a9152cf765ee4390cce   # tag""";
  // the packet §17.1-§17.4 actually encrypt (the §17 preamble prints a slightly different one)
  private static final String GCM_RTCP = """
      81c8000d4d617273 4e5450314e545032525450200000042a0000e9304c756e61
      deadbeefdeadbeefdeadbeefdeadbeefdeadbeef""";
  private static final String GCM_SRTCP = """
      81c8000d4d617273
      63e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275b
      c84aa45896cf4d2fc5abf87245d9eade   # tag
      800005d4                           # E=1, index 0x5d4""";
  private static final String GCM_SRTCP_TAG_ONLY = GCM_RTCP + """
      841dd9683dd78ec92ae58790125f62b3   # tag
      000005d4                           # E=0, index 0x5d4""";

  @Test
  void rfc7714Section16_1SrtpAeadAes128Gcm() {
    SrtpContext send = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, GCM_KEYS, GCM_KEYS);
    byte[] plain = Hex.bytes(GCM_RTP);
    byte[] buf = Arrays.copyOf(plain, 128);
    int n = send.protectRtp(buf, 0, plain.length);
    assertArrayEquals(Hex.bytes(GCM_SRTP), Arrays.copyOf(buf, n));

    SrtpContext recv = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, GCM_KEYS, GCM_KEYS);
    assertEquals(plain.length, recv.unprotectRtp(buf, 0, n));
    assertArrayEquals(plain, Arrays.copyOf(buf, plain.length));
  }

  @Test
  void rfc7714Section17_1SrtcpAeadAes128Gcm() {
    SrtpContext send = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, GCM_KEYS, GCM_KEYS);
    send.setNextSrtcpIndex(0x4d617273, 0x5d4);
    byte[] plain = Hex.bytes(GCM_RTCP);
    byte[] buf = Arrays.copyOf(plain, 128);
    int n = send.protectRtcp(buf, 0, plain.length);
    assertArrayEquals(Hex.bytes(GCM_SRTCP), Arrays.copyOf(buf, n));

    SrtpContext recv = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, GCM_KEYS, GCM_KEYS);
    assertEquals(plain.length, recv.unprotectRtcp(buf, 0, n));
    assertArrayEquals(plain, Arrays.copyOf(buf, plain.length));
  }

  @Test
  void rfc7714Section17_3SrtcpTaggedOnlyIsAccepted() {
    SrtpContext recv = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, GCM_KEYS, GCM_KEYS);
    byte[] buf = Hex.bytes(GCM_SRTCP_TAG_ONLY);
    byte[] plain = Hex.bytes(GCM_RTCP);
    assertEquals(plain.length, recv.unprotectRtcp(buf, 0, buf.length));
    assertArrayEquals(plain, Arrays.copyOf(buf, plain.length));

    byte[] forged = Hex.bytes(GCM_SRTCP_TAG_ONLY);
    forged[20] ^= 1;
    SrtpException e = assertThrows(SrtpException.class,
        () -> new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, GCM_KEYS, GCM_KEYS).unprotectRtcp(forged, 0, forged.length));
    assertEquals(SrtpException.Reason.AUTH, e.reason());
  }
}
