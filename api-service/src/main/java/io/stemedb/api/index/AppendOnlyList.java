package io.stemedb.api.index;

import java.util.Arrays;
import java.util.List;

/**
 * A list with one writer and any number of lock-free readers: the writer appends, readers take a
 * consistent prefix.
 *
 * <p>Publication order makes it safe: the writer stores the element (and, when growing, the new
 * array) before the volatile {@code size} write; a reader reads {@code size} first, then the array,
 * so every element below the size it saw is visible to it.
 */
final class AppendOnlyList<T> {

    private volatile Object[] items = new Object[4];
    private volatile int size;

    /** Writer thread only. */
    void add(T item) {
        Object[] current = items;
        int count = size;
        if (count == current.length) {
            current = Arrays.copyOf(current, count * 2);
            items = current;
        }
        current[count] = item;
        size = count + 1;
    }

    int size() {
        return size;
    }

    /** The elements present when called, in insertion order. */
    @SuppressWarnings("unchecked")
    List<T> snapshot() {
        int count = size;
        Object[] current = items;
        return (List<T>) Arrays.asList(Arrays.copyOf(current, count));
    }
}
