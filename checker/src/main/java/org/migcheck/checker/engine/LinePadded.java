package org.migcheck.checker.engine;

/**
 * 64 bytes of padding before the fields of a subclass (the JVM lays out a superclass's fields first).
 * For objects that one worker thread writes all the time while another works next to them: a copying
 * collection puts objects reached one after another side by side, and two such objects sharing a cache
 * line would have it bounce between the cores on every write. A subclass that is padded on both sides
 * declares eight long fields of its own as well and is the class actually instantiated (as the last
 * class in the chain, its fields come after all others).
 */
public abstract class LinePadded {
    long h0, h1, h2, h3, h4, h5, h6, h7;
}
