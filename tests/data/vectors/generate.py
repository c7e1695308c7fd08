#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the test vectors of docs/FORMAT.md into this directory.

A second implementation of the formats, written from the text of
docs/FORMAT.md alone: BLAKE2b and SHA-512 come from Python's hashlib, the
primitives (X25519, XSalsa20-Poly1305, secretstream, Ed25519, Argon2id,
XChaCha20-Poly1305) from libsodium through ctypes. The C test suite decodes
these files and re-encodes them with its own code; both must agree byte for
byte. Run it from anywhere: python3 tests/data/vectors/generate.py
"""

import base64
import ctypes
import ctypes.util
import hashlib
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
WORDLIST_C = os.path.join(HERE, "..", "..", "..", "crypto", "sr-wordlist.c")

sodium = ctypes.CDLL(ctypes.util.find_library("sodium"))
assert sodium.sodium_init() >= 0
sodium.crypto_pwhash_opslimit_moderate.restype = ctypes.c_size_t
sodium.crypto_pwhash_memlimit_moderate.restype = ctypes.c_size_t
sodium.crypto_secretstream_xchacha20poly1305_statebytes.restype = ctypes.c_size_t


def pattern(start, length):
    """Bytes start, start+1, ... (mod 256): easy to recognise in a dump."""
    return bytes((start + i) % 256 for i in range(length))


def blake2b(data, size=32, key=b""):
    return hashlib.blake2b(data, digest_size=size, key=key).digest()


def padme(length):
    if length < 2:
        return length
    e = length.bit_length() - 1
    s = e.bit_length()
    mask = (1 << (e - s)) - 1
    return (length + mask) & ~mask


def x25519_base(sk):
    pk = ctypes.create_string_buffer(32)
    assert sodium.crypto_scalarmult_curve25519_base(pk, sk) == 0
    return pk.raw


def box_seed_keypair(seed):
    # crypto_box_seed_keypair: the secret key is the first half of SHA-512(seed).
    sk = hashlib.sha512(seed).digest()[:32]
    return sk, x25519_base(sk)


def sign_seed_keypair(seed):
    pk = ctypes.create_string_buffer(32)
    sk = ctypes.create_string_buffer(64)
    assert sodium.crypto_sign_seed_keypair(pk, sk, seed) == 0
    assert sk.raw == seed + pk.raw
    return sk.raw, pk.raw


def seal(message, recipient_pk, ephemeral_sk):
    # crypto_box_seal with a chosen ephemeral key.
    epk = x25519_base(ephemeral_sk)
    nonce = blake2b(epk + recipient_pk, 24)
    out = ctypes.create_string_buffer(len(message) + 16)
    assert sodium.crypto_box_easy(out, message, ctypes.c_ulonglong(len(message)),
                                  nonce, recipient_pk, ephemeral_sk) == 0
    return epk + out.raw


def secretstream_push_all(key, header, chunks, ad):
    state = ctypes.create_string_buffer(
        sodium.crypto_secretstream_xchacha20poly1305_statebytes())
    # init_pull derives the same state as init_push from a given header.
    assert sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, header, key) == 0
    out = b""
    for i, chunk in enumerate(chunks):
        tag = 3 if i == len(chunks) - 1 else 0   # FINAL, MESSAGE
        c = ctypes.create_string_buffer(len(chunk) + 17)
        assert sodium.crypto_secretstream_xchacha20poly1305_push(
            state, c, None, chunk, ctypes.c_ulonglong(len(chunk)),
            ad, ctypes.c_ulonglong(len(ad)), ctypes.c_ubyte(tag)) == 0
        out += c.raw
    return out


def sign_detached(message, sk):
    sig = ctypes.create_string_buffer(64)
    assert sodium.crypto_sign_detached(sig, None, message,
                                       ctypes.c_ulonglong(len(message)), sk) == 0
    return sig.raw


def wordlist():
    text = open(WORDLIST_C, encoding="utf-8").read()
    body = text[text.index("{"):text.index("};")]
    words = re.findall(r'"([a-z]+)"', body)
    assert len(words) == 256 and len(set(words)) == 256
    return words


def fingerprint(sign_pk):
    f = hashlib.blake2b(b"SafeReport fingerprint v1" + sign_pk, digest_size=64).digest()
    digits = " ".join("%05d" % (int.from_bytes(f[5 * i:5 * i + 5], "big") % 100000)
                      for i in range(12))
    words = " ".join(wordlist()[f[i]] for i in range(8))
    return f, digits, words


def receipt(envelope_id):
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    bits = int.from_bytes(envelope_id[:7], "big") >> 6
    chars = "".join(alphabet[(bits >> (5 * (9 - i))) & 31] for i in range(10))
    return chars[:5] + "-" + chars[5:]


def write(name, header, fields):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        for line in header:
            f.write("# " + line + "\n" if line else "#\n")
        for key, value in fields:
            if isinstance(value, bytes):
                value = value.hex()
            f.write("%s = %s\n" % (key, value))


def envelope_vector():
    seeds = [pattern(0x00, 32), pattern(0x20, 32)]
    keys = [box_seed_keypair(s) for s in seeds]
    # 40 bytes, so that P = R || 0x80 || three zero bytes (padme(41) = 44).
    report = b"Report 17: help needed at the old mill.\n"
    assert len(report) == 40 and padme(41) == 44
    file_key = pattern(0x40, 32)
    ephemeral = [pattern(0x60, 32), pattern(0x80, 32)]
    stream_header = pattern(0xa0, 24)

    head = b"SRE\x01" + bytes([len(keys)])
    for (sk, pk), esk in zip(keys, ephemeral):
        head += seal(file_key, pk, esk)
    head += stream_header
    commitment = blake2b(b"SafeReport envelope v1 commit" + head, key=file_key)
    header_hash = blake2b(head + commitment)
    payload_key = blake2b(b"SafeReport envelope v1 payload", key=file_key)

    padded = report + b"\x80"
    padded += bytes(padme(len(report) + 1) - len(padded))
    chunks = [padded[i:i + 65536] for i in range(0, len(padded), 65536)] or [b""]
    envelope = head + commitment + secretstream_push_all(payload_key, stream_header,
                                                         chunks, header_hash)
    envelope_id = blake2b(envelope)

    fields = []
    for i, (seed, (sk, pk)) in enumerate(zip(seeds, keys), 1):
        fields += [("recipient_%d_seed" % i, seed), ("recipient_%d_sk" % i, sk),
                   ("recipient_%d_pk" % i, pk)]
    fields += [("report", report), ("padded", padded), ("file_key", file_key),
               ("ephemeral_1_sk", ephemeral[0]), ("ephemeral_2_sk", ephemeral[1]),
               ("stream_header", stream_header), ("commitment", commitment),
               ("header_hash", header_hash), ("payload_key", payload_key),
               ("envelope", envelope), ("id", envelope_id),
               ("receipt", receipt(envelope_id))]
    write("envelope.hex", [
        "Envelope (.sre) test vector, docs/FORMAT.md. Two recipients whose box",
        "keys come from crypto_box_seed_keypair(seed). The sealer's randomness is",
        "drawn in this order: file_key, ephemeral_1_sk, ephemeral_2_sk,",
        "stream_header. commitment, header_hash, payload_key and padded are",
        "intermediate values.",
    ], fields)


def signing_vectors():
    seed = pattern(0xc0, 32)
    sk, pk = sign_seed_keypair(seed)
    f, digits, words = fingerprint(pk)
    write("fingerprint.hex", [
        "Fingerprint of a signing key, docs/FORMAT.md. The key comes from",
        "crypto_sign_seed_keypair(sign_seed); hash is BLAKE2b-512 of",
        "\"SafeReport fingerprint v1\" || sign_pk.",
    ], [("sign_seed", seed), ("sign_pk", pk), ("hash", f), ("digits", digits),
        ("words", words)])

    message = b'{"name":"Example Organisation","serial":1}'
    context = "SafeReport profile v1"
    signature = sign_detached(context.encode() + b"\x00" + message, sk)
    write("signature.hex", [
        "Signature, docs/FORMAT.md: Ed25519 over context || 0x00 || message, with",
        "the key of fingerprint.hex.",
    ], [("sign_seed", seed), ("sign_pk", pk), ("context", context),
        ("message", message), ("signature", signature)])


def key_file_vector():
    sign_seed = pattern(0xc0, 32)
    sign_sk, sign_pk = sign_seed_keypair(sign_seed)
    box_seeds = [pattern(0xe0, 32), pattern(0x00, 32)]
    box = [box_seed_keypair(s) for s in box_seeds]
    passphrase = b"correct horse battery staple"
    salt = pattern(0x10, 16)
    nonce = pattern(0x30, 24)
    opslimit = sodium.crypto_pwhash_opslimit_moderate()
    memlimit = sodium.crypto_pwhash_memlimit_moderate()

    payload = sign_sk + bytes([len(box)]) + b"".join(sk for sk, pk in box)
    header = (b"SRK\x01" + b"\x01" + opslimit.to_bytes(8, "little")
              + memlimit.to_bytes(8, "little") + salt + nonce)
    assert len(header) == 61

    key = ctypes.create_string_buffer(32)
    assert sodium.crypto_pwhash(key, ctypes.c_ulonglong(32), passphrase,
                                ctypes.c_ulonglong(len(passphrase)), salt,
                                ctypes.c_ulonglong(opslimit), ctypes.c_size_t(memlimit),
                                ctypes.c_int(2)) == 0   # ALG_ARGON2ID13
    ct = ctypes.create_string_buffer(len(payload) + 16)
    assert sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        ct, None, payload, ctypes.c_ulonglong(len(payload)),
        header, ctypes.c_ulonglong(len(header)), None, nonce, key.raw) == 0
    blob = header + ct.raw

    b64 = base64.b64encode(blob).decode()
    text = "SafeReport organisation secret key v1\n"
    text += "".join(b64[i:i + 64] + "\n" for i in range(0, len(b64), 64))
    with open(os.path.join(HERE, "org.key"), "w", encoding="utf-8") as f:
        f.write(text)

    f_hash, digits, words = fingerprint(sign_pk)
    pub = ("SafeReport organisation public key v1\n"
           "name: Example Organisation\n"
           "box: %s\nsign: %s\nfingerprint: %s\nwords: %s\n"
           % (base64.b64encode(box[0][1]).decode(), base64.b64encode(sign_pk).decode(),
              digits, words))
    with open(os.path.join(HERE, "org.pub"), "w", encoding="utf-8") as f:
        f.write(pub)

    write("org-key.hex", [
        "Organisation key files, docs/FORMAT.md: org.key and org.pub in this",
        "directory hold these keys. Box keys come from crypto_box_seed_keypair,",
        "the current one first; the signing key is the one of fingerprint.hex.",
        "Argon2id runs at the MODERATE limits. The retired box key (box_2) is",
        "recipient 1 of envelope.hex, so org.key opens that envelope too.",
    ], [("passphrase", passphrase), ("sign_seed", sign_seed), ("sign_pk", sign_pk),
        ("box_1_seed", box_seeds[0]), ("box_1_sk", box[0][0]), ("box_1_pk", box[0][1]),
        ("box_2_seed", box_seeds[1]), ("box_2_sk", box[1][0]), ("box_2_pk", box[1][1]),
        ("opslimit", "%d" % opslimit), ("memlimit", "%d" % memlimit),
        ("salt", salt), ("nonce", nonce), ("argon2id_key", key.raw),
        ("blob", blob)])


if __name__ == "__main__":
    envelope_vector()
    signing_vectors()
    key_file_vector()
