package studio.tally.cli;

import picocli.CommandLine.IVersionProvider;

/** Version from the jar manifest, or from the build's resource when run from classes. */
public final class Version implements IVersionProvider {

  public static String current() {
    String v = Version.class.getPackage().getImplementationVersion();
    if (v != null) {
      return v;
    }
    try (var in = Version.class.getResourceAsStream("/studio/tally/version.txt")) {
      return in == null ? "dev" : new String(in.readAllBytes()).trim();
    } catch (java.io.IOException e) {
      return "dev";
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"tally " + current() + " (Java " + Runtime.version() + ")"};
  }
}
