package studio.tally.rtc;

import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioLayer;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * libwebrtc's PulseAudio device recording a chosen source. webrtc-java 0.14 cannot choose it:
 * libwebrtc lists PulseAudio sources by description with an empty id, its voice engine selects the
 * default device as it starts, and {@code setRecordingDevice} picked the default whatever it was given
 * (measured: a call set to an 880 Hz source sent the 440 Hz default). libwebrtc records the default
 * device as "no device named", and libpulse takes that as {@code $PULSE_SOURCE} when the device's
 * connection to the server is made: so the variable is set while the device is created, then put back.
 */
final class Microphones {
  private static final String VARIABLE = "PULSE_SOURCE";
  private static final Object ENVIRONMENT = new Object();

  private Microphones() {}

  /** The device, recording {@code source} (a PulseAudio source name) or, when null, the server's default. */
  static AudioDeviceModule open(String source) {
    AudioDeviceModule adm;
    synchronized (ENVIRONMENT) {
      String before = source == null ? null : Libc.getenv(VARIABLE);
      if (source != null) Libc.setenv(VARIABLE, source);
      try {
        adm = new AudioDeviceModule(AudioLayer.kLinuxPulseAudio);
      } finally {
        if (source != null) Libc.setenv(VARIABLE, before);
      }
    }
    if (adm.getRecordingDevices().isEmpty()) {
      adm.dispose();
      throw new IllegalArgumentException("libwebrtc finds no PulseAudio source to record (is a sound server running?)");
    }
    return adm;
  }

  /** The process environment as native code (libpulse) sees it: Java's own copy is read-only. */
  private static final class Libc {
    private static final MethodHandle SETENV;
    private static final MethodHandle UNSETENV;
    private static final MethodHandle GETENV;

    static {
      Linker linker = Linker.nativeLinker();
      var libc = linker.defaultLookup();
      SETENV = linker.downcallHandle(libc.find("setenv").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
      UNSETENV = linker.downcallHandle(libc.find("unsetenv").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
      GETENV = linker.downcallHandle(libc.find("getenv").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    }

    /** Sets name to value, or removes it when value is null. */
    static void setenv(String name, String value) {
      try (Arena arena = Arena.ofConfined()) {
        int r = value == null ? (int) UNSETENV.invokeExact(arena.allocateFrom(name))
            : (int) SETENV.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value), 1);
        if (r != 0) throw new IllegalStateException("cannot set " + name + " in the environment");
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }

    static String getenv(String name) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment v = (MemorySegment) GETENV.invokeExact(arena.allocateFrom(name));
        return v.equals(MemorySegment.NULL) ? null : v.reinterpret(Long.MAX_VALUE).getString(0);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }
  }
}
