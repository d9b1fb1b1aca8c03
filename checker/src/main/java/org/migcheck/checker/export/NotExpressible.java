package org.migcheck.checker.export;

/** The model has a step, table or rule that the Promela export cannot express; the message names it. */
public final class NotExpressible extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotExpressible(String message) { super(message); }
}
