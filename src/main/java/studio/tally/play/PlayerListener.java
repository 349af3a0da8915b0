package studio.tally.play;

import studio.tally.media.decode.DecodedPicture;

/** What a player tells its owner; calls come from the player's decode or network thread. */
public interface PlayerListener {

  /** A decoded picture, lent for the call (a window converts it with toArgb; headless ignores it). */
  default void onPicture(DecodedPicture picture) {}

  /** The player stopped for a reason other than {@link Player#close()}. */
  default void onEnded(PlayFailure failure) {}
}
