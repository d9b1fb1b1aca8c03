package org.migcheck.model.lang;

/**
 * The model itself is wrong: a counter over- or underflows, a lock not held is unlocked, a local of
 * another procedure is read, a loop runs without steps. The message names the model element at
 * fault; the checker adds the thread and step that were running.
 */
public final class ModelError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String element;

    /**
     * {@code message} is reported as one line with its control and invisible characters written out
     * ({@link UserCode#visible}): a model's own text may be in it, and a usage error names the argument it refuses.
     */
    public ModelError(String element, String message) {
        super(message == null ? null : UserCode.visible(message));
        this.element = element;
    }

    /** The model element at fault (variable, lock, local, procedure, step). */
    public String element() { return element; }
}
