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


    record Violated(String message) implements Check {
        public Violated {
            // a violation without a message would print "null": the rule's error, named by the checker as it throws here
            java.util.Objects.requireNonNull(message, "Check.violated needs a message (null given)");
            // one line in every report: a newline or tab of the rule's text would split a report's line (and could
            // print what looks like another report line)
            message = org.migcheck.model.lang.UserCode.oneLine(message);
        }
    }
}
