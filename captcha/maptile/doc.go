// Package maptile renders map-tile image challenges for package captcha.
//
// A challenge is a map of a city district in the style of a modern web map
// (land, building blocks, parks, water, railways, a road hierarchy with
// casings, and place labels with icons), 480×320 pixels by default. One
// place is marked, by a coloured pin, a numbered circle, a highlighted
// building or a highlighted street, and the prompt asks for its name in
// English or Korean: "Type the name of the place under the red pin",
// "숫자 3 표시가 있는 장소의 이름을 입력하세요".
//
// What makes it hard for software:
//
//   - Every name on the map is invented ("Tullmere Station", "솔담역"), so
//     no map database knows the answer, and other labels in the same style
//     surround the target, so reading every label is not enough.
//   - Labels are lettered like hand-drawn map names: the baseline waves,
//     each letter turns with it and a little on its own, letters vary in
//     size and spacing, words break, labels run along roads, in several
//     fonts. A stroke in the label's own colour follows the wave along the
//     bottom of the letters and joins them, so colour or threshold
//     separation cannot remove it and the label cannot be cut into letters.
//     Every place and street label is drawn this way, so the distortion
//     does not mark the target.
//   - White watermark text crosses the target, other labels and the map,
//     faint over labels so a person still reads the dark letters.
//
// Everything is drawn from the request's seed: the same captcha.Request
// always gives the same PNG, byte for byte, and Scale 2 draws the same
// layout at twice the pixels.
//
// Map content comes from a MapSource: Procedural (the default) invents a
// district from the seed; package osmsource draws real OpenStreetMap
// extracts. Latin labels use the Go fonts; Korean labels use Tollgate Sans
// KR, a subset of Noto Sans CJK KR (SIL Open Font License, see fonts/OFL.txt;
// regenerate with scripts/subset-korean-font.sh). WithFonts adds fonts.
//
// Renderer.Render returns, besides the captcha.Puzzle, where the target
// label and its marker are in the image, for audits and tests; it must
// never reach a client.
package maptile
