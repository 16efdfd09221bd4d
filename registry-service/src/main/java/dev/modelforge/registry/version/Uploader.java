package dev.modelforge.registry.version;

import dev.modelforge.registry.auth.Actor;

/**
 * Who uploads a version, and what the upload declares about itself.
 *
 * @param actor                the uploading key; its team must own the model (or it creates it)
 * @param allowSignatureChange the upload intends to change the model's inputs/outputs
 */
public record Uploader(Actor actor, boolean allowSignatureChange) {
}
