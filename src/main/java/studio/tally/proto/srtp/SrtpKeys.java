package studio.tally.proto.srtp;

import java.util.Arrays;

/**
 * The master keys of one DTLS-SRTP association, split from the DTLS exporter output
 * ("EXTRACTOR-dtls_srtp", RFC 5764 §4.2):
 * <pre>
 * client_write_SRTP_master_key[key] | server_write_SRTP_master_key[key] |
 * client_write_SRTP_master_salt[salt] | server_write_SRTP_master_salt[salt]
 * </pre>
 * "Local" keys protect what we send, "remote" keys unprotect what we receive.
 */
public record SrtpKeys(SrtpProfile profile, byte[] localMasterKey, byte[] localMasterSalt,
    byte[] remoteMasterKey, byte[] remoteMasterSalt) {

  /**
   * Splits exporter material.
   *
   * @param server true when we were the DTLS server (our keys are the server_write ones)
   */
  public static SrtpKeys fromDtlsExporter(byte[] material, SrtpProfile profile, boolean server) {
    int k = profile.keyLength();
    int s = profile.saltLength();
    if (material.length != profile.keyingMaterialLength()) {
      throw new IllegalArgumentException("srtp: keying material is " + material.length + " bytes, "
          + profile + " needs " + profile.keyingMaterialLength());
    }
    byte[] clientKey = Arrays.copyOfRange(material, 0, k);
    byte[] serverKey = Arrays.copyOfRange(material, k, 2 * k);
    byte[] clientSalt = Arrays.copyOfRange(material, 2 * k, 2 * k + s);
    byte[] serverSalt = Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s);
    return server
        ? new SrtpKeys(profile, serverKey, serverSalt, clientKey, clientSalt)
        : new SrtpKeys(profile, clientKey, clientSalt, serverKey, serverSalt);
  }

  /** A context that protects what we send. */
  public SrtpContext sendContext() {
    return new SrtpContext(profile, localMasterKey, localMasterSalt);
  }

  /** A context that unprotects what the peer sends. */
  public SrtpContext receiveContext() {
    return new SrtpContext(profile, remoteMasterKey, remoteMasterSalt);
  }

  @Override
  public String toString() {
    return "SrtpKeys[" + profile + "]"; // never print key bytes
  }
}
