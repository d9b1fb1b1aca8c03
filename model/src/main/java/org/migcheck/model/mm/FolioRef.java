package org.migcheck.model.mm;

import org.migcheck.model.lang.Exec;

/** Which folio a step acts on: fixed, or read from a local (a procedure parameter). */
@FunctionalInterface
public interface FolioRef {
    Folio of(Exec e);

    static FolioRef fixed(Folio f) { return e -> f; }
}
