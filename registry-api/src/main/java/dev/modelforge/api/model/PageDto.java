package dev.modelforge.api.model;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param items the page's items
 * @param page  zero-based page index
 * @param size  requested page size
 * @param total number of items across all pages
 * @param <T>   item type
 */
public record PageDto<T>(List<T> items, int page, int size, long total) {
}
