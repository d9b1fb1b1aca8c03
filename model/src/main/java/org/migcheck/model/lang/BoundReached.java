package org.migcheck.model.lang;

/**
 * A retry loop wanted another pass but its {@link Bound} was reached, so it gave up (emitted by the
 * transition whose local control flow ended the loop). Rules may ignore it; the checker counts the
 * states it leaves to report saturated model bounds.
 *
 * @param procedure where: the procedure, or "procedure (loop)" for a named loop
 *                  ({@link Body#retry(Bound, String, java.util.function.Consumer)})
 */
public record BoundReached(Bound bound, String procedure) implements Event {
    @Override public String describe() { return "bound reached: " + bound.name() + " in " + procedure; }
}
