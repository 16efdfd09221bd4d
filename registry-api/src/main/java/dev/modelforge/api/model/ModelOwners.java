package dev.modelforge.api.model;

import java.util.List;

/**
 * The teams that own a model: only they (and admin keys) upload its versions, edit or archive it.
 *
 * @param model  model name
 * @param owners team names, sorted
 */
public record ModelOwners(String model, List<String> owners) {
}
