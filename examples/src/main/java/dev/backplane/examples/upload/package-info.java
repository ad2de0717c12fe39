/**
 * The browser-upload example: a small server that presigns uploads for Uppy and confirms them
 * (docs/examples-browser-upload.md).
 */
package dev.backplane.examples.upload;
