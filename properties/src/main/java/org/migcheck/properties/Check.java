package org.migcheck.properties;

/** The result of evaluating a rule once: it passes, or it is violated with a message naming the objects. */
public sealed interface Check {

    Check OK = new Ok();

    static Check ok() { return OK; }

    static Check violated(String message) { return new Violated(message); }

    /** {@code violated(message)} when {@code bad} is true, else ok. */
    static Check unless(boolean bad, java.util.function.Supplier<String> message) {
        return bad ? new Violated(message.get()) : OK;
    }

    record Ok() implements Check {}

    record Violated(String message) implements Check {}
}
