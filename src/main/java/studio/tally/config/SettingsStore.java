package studio.tally.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code settings.json} in the studio's profile directory: the platform's config dir (Linux
 * {@code $XDG_CONFIG_HOME/tally-studio} or {@code ~/.config/tally-studio}, macOS
 * {@code ~/Library/Application Support/Tally Studio}, Windows {@code %APPDATA%\Tally Studio}) or
 * the {@code --profile DIR} the caller gives.
 *
 * <p>Writes are atomic (a temp file moved over the old one), so a crash never leaves half a file.
 * Unknown keys are ignored (a newer version's file still loads) and missing keys take their default.
 * A file that cannot be read is kept as {@code settings.json.bad}, defaults are used and
 * {@link Loaded#problem()} says what was wrong.
 */
public final class SettingsStore {
  public static final String FILE = "settings.json";
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * What {@link #load} found.
   *
   * @param firstRun there was no settings file: {@code settings} are the first-run defaults
   * @param problem null, or why the file was not used (it was kept as settings.json.bad)
   */
  public record Loaded(StudioSettings settings, boolean firstRun, String problem) {}

  private final Path dir;

  private SettingsStore(Path dir) {
    this.dir = Objects.requireNonNull(dir, "profile dir").toAbsolutePath();
  }

  /** The store in {@code profileDir} (a {@code --profile DIR}). */
  public static SettingsStore at(Path profileDir) {
    return new SettingsStore(profileDir);
  }

  /** The store in the platform's config dir. */
  public static SettingsStore platform() {
    return new SettingsStore(platformDir());
  }

  /** The platform's config dir for the studio (not created). */
  public static Path platformDir() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String home = System.getProperty("user.home");
    if (os.contains("win")) {
      String appData = System.getenv("APPDATA");
      return Path.of(appData != null && !appData.isBlank() ? appData : home, "Tally Studio");
    }
    if (os.contains("mac")) {
      return Path.of(home, "Library", "Application Support", "Tally Studio");
    }
    String xdg = System.getenv("XDG_CONFIG_HOME");
    return xdg != null && !xdg.isBlank() ? Path.of(xdg, "tally-studio") : Path.of(home, ".config", "tally-studio");
  }

  public Path dir() {
    return dir;
  }

  public Path file() {
    return dir.resolve(FILE);
  }

  /**
   * Reads the settings. No file → {@code firstRun} defaults (not written until {@link #save}).
   * A corrupt or invalid file → moved to settings.json.bad, defaults, and the problem in words.
   */
  public Loaded load(Supplier<StudioSettings> firstRun) {
    Path file = file();
    if (!Files.exists(file)) {
      return new Loaded(firstRun.get(), true, null);
    }
    try {
      return new Loaded(parse(Files.readString(file)), false, null);
    } catch (IOException | IllegalArgumentException e) {
      String reason = reason(e);
      Path bad = dir.resolve(FILE + ".bad");
      String kept;
      try {
        Files.move(file, bad, StandardCopyOption.REPLACE_EXISTING);
        kept = "kept it as " + bad.getFileName();
      } catch (IOException moveFailed) {
        kept = "could not keep it as " + bad.getFileName() + " (" + moveFailed.getMessage() + ")";
      }
      return new Loaded(firstRun.get(), false,
          "settings file " + file + " could not be read (" + reason + "); " + kept + " and started with the defaults");
    }
  }

  /** Writes {@code settings} atomically, creating the directory. */
  public void save(StudioSettings settings) throws IOException {
    Files.createDirectories(dir);
    // the file holds stream keys: readable by its owner only where the file system can say so
    Path tmp = dir.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? Files.createTempFile(dir, FILE, ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        : Files.createTempFile(dir, FILE, ".tmp");
    try {
      Files.writeString(tmp, toJson(settings));
      try {
        Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The JSON form (stream keys included: the file is the one place they are kept). */
  public static String toJson(StudioSettings settings) {
    try {
      return JSON.writeValueAsString(settings);
    } catch (JacksonException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses JSON over the defaults: missing keys keep their default value, unknown keys are ignored. */
  public static StudioSettings parse(String json) throws IOException {
    JsonNode given = JSON.readTree(json);
    if (given == null || !given.isObject()) throw new IOException("not a JSON object");
    ObjectNode merged = JSON.valueToTree(StudioSettings.defaults());
    merge(merged, (ObjectNode) given);
    return JSON.treeToValue(merged, StudioSettings.class);
  }

  /** Objects merge key by key; anything else (arrays included) replaces. */
  private static void merge(ObjectNode into, ObjectNode from) {
    for (Iterator<Map.Entry<String, JsonNode>> it = from.properties().iterator(); it.hasNext(); ) {
      var e = it.next();
      JsonNode old = into.get(e.getKey());
      if (old instanceof ObjectNode o && e.getValue() instanceof ObjectNode n) merge(o, n);
      else into.set(e.getKey(), e.getValue());
    }
  }

  private static String reason(Exception e) {
    Throwable t = e;
    if (e instanceof ValueInstantiationException v && v.getCause() != null) t = v.getCause();
    if (t instanceof JacksonException j) {
      var loc = j.getLocation();
      return j.getOriginalMessage() + (loc != null && loc.getLineNr() > 0 ? " at line " + loc.getLineNr() : "");
    }
    return t.getMessage();
  }
}
