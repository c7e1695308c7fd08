/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sr-wordlist"

#include "sr-wordlist.h"

/* The order is part of the format: word i stands for the byte value i in
 * the fingerprint of a signing key (docs/FORMAT.md). Changing, adding or
 * moving a word changes every fingerprint ever shown, so the list is
 * frozen. It is sorted so that a person can look a word up by hand. */
const char *const sr_wordlist[SR_WORDLIST_LEN] = {
  "acorn", "almond", "apple", "artist", "autumn", "bakery", "balloon",
  "bamboo", "banana", "barn", "basket", "bean", "bicycle", "bison",
  "blanket", "blossom", "bottle", "bowling", "bread", "breeze", "bridge",
  "brush", "bubble", "bucket", "buffalo", "bunny", "butter", "cabbage",
  "cabin", "cactus", "camel", "candle", "candy", "canyon", "carpet",
  "carrot", "castle", "cedar", "chair", "chalk", "cheese", "chess", "clock",
  "cloud", "clover", "coconut", "coffee", "comet", "compass", "cookie",
  "coral", "cottage", "cotton", "crab", "crane", "cricket", "crystal",
  "daisy", "dance", "denim", "dolphin", "domino", "dream", "drum", "duck",
  "eagle", "engine", "falcon", "farm", "fern", "flute", "forest", "frog",
  "galaxy", "garden", "garlic", "ginger", "giraffe", "globe", "goat",
  "golden", "golf", "goose", "gorilla", "grape", "green", "guitar",
  "hamster", "helmet", "hill", "hippo", "hockey", "honey", "horizon",
  "horse", "indigo", "island", "jacket", "jaguar", "jelly", "juice", "kayak",
  "kettle", "kitchen", "kite", "kitten", "kiwi", "koala", "ladder", "lagoon",
  "lake", "lamp", "lantern", "laptop", "leaf", "lemon", "leopard", "library",
  "lily", "lime", "lion", "lizard", "lobster", "magnet", "mango", "maple",
  "marble", "market", "meadow", "melon", "milk", "mint", "mirror", "monkey",
  "moon", "motor", "mouse", "muffin", "museum", "music", "noodle", "ocean",
  "olive", "onion", "orange", "orchid", "ostrich", "otter", "oyster",
  "paddle", "palace", "pancake", "panda", "papaya", "paper", "party",
  "pasta", "peach", "peanut", "pebble", "pelican", "pencil", "penguin",
  "pepper", "petal", "piano", "picnic", "pigeon", "pillow", "pink", "planet",
  "plate", "plum", "poem", "pond", "potato", "pumpkin", "puppy", "purple",
  "puzzle", "rabbit", "radio", "rainbow", "rhino", "ribbon", "river",
  "robin", "robot", "rocket", "rugby", "salad", "salmon", "sand", "scarf",
  "school", "sheep", "shell", "silver", "skate", "smile", "snail", "snow",
  "soccer", "sofa", "song", "soup", "sparrow", "spinach", "spoon", "spring",
  "sprout", "stadium", "stamp", "star", "stone", "story", "sugar", "summer",
  "sunrise", "sunset", "swan", "sweater", "table", "teapot", "tennis",
  "tent", "theater", "tiger", "toast", "tomato", "toucan", "tower",
  "tractor", "train", "truck", "trumpet", "tulip", "turtle", "valley",
  "velvet", "village", "violin", "waffle", "wagon", "wallet", "walnut",
  "walrus", "whale", "wheel", "whistle", "window", "winter", "wool",
  "yellow", "zebra", "zipper",
};
