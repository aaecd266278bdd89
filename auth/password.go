package auth

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"shopauth/third_party/argon2"
)

// HashParams are argon2id parameters as Magento writes them in the version part: 3_<KeyLen>_<Ops>_<MemBytes>.
type HashParams struct {
	KeyLen   uint32
	Ops      uint32
	MemBytes uint32
}

// DefaultHashParams is Magento's current default, 3_32_2_67108864.
var DefaultHashParams = HashParams{KeyLen: 32, Ops: 2, MemBytes: 64 << 20}

// CheapHashParams are for tests only (argon2id with 64 KiB).
var CheapHashParams = HashParams{KeyLen: 32, Ops: 1, MemBytes: 64 << 10}

// Version is the version part Magento stores for these parameters.
func (p HashParams) Version() string {
	return fmt.Sprintf("3_%d_%d_%d", p.KeyLen, p.Ops, p.MemBytes)
}

// hashStep is one version in a stored hash's chain.
type hashStep struct {
	kind   byte // '0' md5, '1' sha256, '3' argon2id
	params HashParams
}

// Magento's own ranges for a stored hash. Its Encryptor writes argon2id with libsodium's
// INTERACTIVE limits only (3_32_2_67108864), and its upgrades append at most three
// versions to an old hash (0 or 1, then 2, then 3_…). A hash beyond them is refused at
// import and not computed at sign-in, so one account cannot make every sign-in attempt
// for it take a gigabyte or a hundred passes: memory at most Magento's 64 MiB, passes at
// most libsodium's SENSITIVE 4, at most 4 versions of which at most 2 are argon2.
const (
	maxChain      = 4
	maxArgonSteps = 2
	maxHashOps    = 4
	maxHashMem    = 64 << 20
)

// ErrMalformedHash is wrapped by every parse failure of a stored hash.
var ErrMalformedHash = errors.New("malformed password hash")

// parseHash splits a stored "hash:salt:version[:version…]".
func parseHash(stored string) (hash, salt string, steps []hashStep, err error) {
	parts := strings.SplitN(stored, ":", 3)
	if len(parts) != 3 || parts[0] == "" {
		return "", "", nil, fmt.Errorf("%w: want hash:salt:version", ErrMalformedHash)
	}
	versions := strings.Split(parts[2], ":")
	if len(versions) > maxChain {
		return "", "", nil, fmt.Errorf("%w: a chain of %d versions (Magento's longest is %d)", ErrMalformedHash, len(versions), maxChain)
	}
	argon := 0
	for _, v := range versions {
		st, err := parseVersion(v)
		if err != nil {
			return "", "", nil, err
		}
		if st.kind == '3' {
			argon++
		}
		steps = append(steps, st)
	}
	if argon > maxArgonSteps {
		return "", "", nil, fmt.Errorf("%w: %d argon2 versions in one chain (Magento's most is %d)", ErrMalformedHash, argon, maxArgonSteps)
	}
	return parts[0], parts[1], steps, nil
}

func parseVersion(v string) (hashStep, error) {
	switch v {
	case "0":
		return hashStep{kind: '0'}, nil
	case "1":
		return hashStep{kind: '1'}, nil
	case "2": // libsodium ARGON2ID13 with INTERACTIVE limits as Magento 2.3 stored it
		return hashStep{kind: '3', params: HashParams{KeyLen: 32, Ops: 2, MemBytes: 67108864}}, nil
	}
	f := strings.Split(v, "_")
	if len(f) != 4 || f[0] != "3" {
		return hashStep{}, fmt.Errorf("%w: unknown version %q", ErrMalformedHash, v)
	}
	var n [3]uint64
	for i, s := range f[1:] {
		x, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return hashStep{}, fmt.Errorf("%w: version %q", ErrMalformedHash, v)
		}
		n[i] = x
	}
	p := HashParams{KeyLen: uint32(n[0]), Ops: uint32(n[1]), MemBytes: uint32(n[2])}
	if p.KeyLen < 16 || p.KeyLen > 64 || p.Ops < 1 || p.MemBytes%1024 != 0 || p.MemBytes < 8<<10 {
		return hashStep{}, fmt.Errorf("%w: parameters out of range in %q", ErrMalformedHash, v)
	}
	if p.Ops > maxHashOps || p.MemBytes > maxHashMem {
		return hashStep{}, fmt.Errorf("%w: argon2 parameters beyond Magento's (at most %d passes and %d MiB) in %q",
			ErrMalformedHash, maxHashOps, maxHashMem>>20, v)
	}
	return hashStep{kind: '3', params: p}, nil
}

// salt16 is libsodium's salt: the first 16 bytes; a shorter salt is repeated to 16
// bytes ("self-padded", as Magento's Encryptor does).
func salt16(salt string) []byte {
	if salt == "" {
		return make([]byte, 16)
	}
	out := make([]byte, 0, 16)
	for len(out) < 16 {
		out = append(out, salt...)
	}
	return out[:16]
}

// argon computes one argon2id hash in a hash slot, waiting for one, and in the
// memory the slots share.
func (h *Hasher) argon(ctx context.Context, data, salt string, p HashParams) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer func() {
		h.release()
		if h.waiting.Load() > 0 {
			// Sign-ins are queueing: a collection now (about 1 ms with a small heap,
			// against some 40 ms of hash) shrinks the stacks of those that ran ahead
			// of their hash and frees what finished requests left. Under a 200-request
			// flood it kept peak RSS 4-5 MiB lower; the collector's own pacing runs
			// rarely, since the requests allocate little while they wait.
			runtime.GC()
		}
	}()
	h.computed.Add(1)
	kib := p.MemBytes / 1024
	mem := h.memory.get(argon2.MemorySize(kib, 1))
	defer h.memory.put(mem)
	return hex.EncodeToString(argon2.IDKeyWithMemory(mem, []byte(data), salt16(salt), p.Ops, kib, 1, p.KeyLen)), nil
}

// Hasher hashes and verifies passwords in Magento's format; at most limit argon2
// computations run at once and the others queue, so a sign-in flood cannot use
// limit × 64 MiB of memory.
type Hasher struct {
	params  HashParams
	version string
	rand    io.Reader
	slots   chan struct{}
	gate    chan struct{} // Admit: twice the slots
	memory  argonMemory   // the slots' argon2 working memory, outside the Go heap
	waiting atomic.Int64
	// computed counts argon2 computations, so tests can show that an unknown email
	// costs exactly what a wrong password costs without timing anything.
	computed atomic.Int64
	dummy    string
}

// NewHasher makes a hasher; limit <= 0 means one per CPU, rand nil means crypto/rand.
func NewHasher(params HashParams, limit int, rnd io.Reader) *Hasher {
	if limit <= 0 {
		limit = runtime.GOMAXPROCS(0)
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	h := &Hasher{params: params, version: params.Version(), rand: rnd, slots: make(chan struct{}, limit), gate: make(chan struct{}, 2*limit)}
	h.memory.size = argon2.MemorySize(params.MemBytes/1024, 1)
	h.memory.idle = argonIdle
	h.dummy = strings.Repeat("0", int(params.KeyLen)*2) + ":" + strings.Repeat("x", 32) + ":" + h.version
	return h
}

// Params returns the parameters new hashes use.
func (h *Hasher) Params() HashParams { return h.params }

// Concurrency returns how many argon2 computations run at once (the others queue).
func (h *Hasher) Concurrency() int { return cap(h.slots) }

// MemoryLimit is a soft memory limit (runtime/debug.SetMemoryLimit) for a process whose
// argon2 memory is on the Go heap (offheap.OnHeap: systems without mmap): the buffers of
// the hashes that run at once, plus other. Without it, the heap's goal is twice those
// buffers, and the collector lets that much other garbage pile up before it runs.
func (h *Hasher) MemoryLimit(other int64) int64 {
	return int64(h.Concurrency())*int64(h.memory.size) + other
}

func (h *Hasher) acquire(ctx context.Context) error {
	h.waiting.Add(1)
	defer h.waiting.Add(-1)
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Admit lets a request that is going to hash a password go on once fewer than twice
// the hash slots' requests are past it, and marks ctx so that a second Admit on the way
// lets it through. The others wait here, ahead of the work that precedes their hash
// (the GraphQL execution, the database), where a waiting request holds little memory:
// in a 200-request sign-in flood the waiting requests' stacks took 9.5 MiB when they
// waited for a hash slot, 5.2 MiB when they waited at the sign-in's start and 2.6 MiB
// at the GraphQL handler. done must be called once the request has hashed.
func (h *Hasher) Admit(ctx context.Context) (admitted context.Context, done func(), err error) {
	if ctx.Value(admittedKey{}) == h {
		return ctx, func() {}, nil
	}
	h.waiting.Add(1)
	defer h.waiting.Add(-1)
	select {
	case h.gate <- struct{}{}:
		return context.WithValue(ctx, admittedKey{}, h), func() { <-h.gate }, nil
	case <-ctx.Done():
		return ctx, func() {}, ctx.Err()
	}
}

type admittedKey struct{}

// Computations returns how many argon2 hashes this hasher has computed.
func (h *Hasher) Computations() int64 { return h.computed.Load() }

// Waiting returns how many requests wait to hash: at Admit or for a slot (for metrics).
func (h *Hasher) Waiting() int { return int(h.waiting.Load()) }

const saltAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// Hash returns a new Magento-format hash of password: hex:salt:3_32_2_67108864.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	var b [32]byte
	if _, err := io.ReadFull(h.rand, b[:]); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	for i := range b {
		b[i] = saltAlphabet[int(b[i])%len(saltAlphabet)]
	}
	salt := string(b[:])
	sum, err := h.argon(ctx, password, salt, h.params)
	if err != nil {
		return "", err
	}
	return sum + ":" + salt + ":" + h.version, nil
}

// Verify reports whether password matches stored; needsRehash is true when stored is
// not in h's current version (older version, chain, or other parameters).
//
// Every call costs at least one argon2 computation: a legacy md5/sha256 hash or an
// unreadable one would otherwise answer a wrong password in microseconds, telling
// which accounts exist (and which still have an old hash).
func (h *Hasher) Verify(ctx context.Context, password, stored string) (ok bool, needsRehash bool, err error) {
	want, salt, steps, err := parseHash(stored)
	if err != nil {
		h.equalCost(ctx, password)
		return false, false, err
	}
	if !hasArgon(steps) {
		defer h.equalCost(ctx, password)
	}
	data := password
	for _, st := range steps {
		switch st.kind {
		case '0':
			sum := md5.Sum([]byte(salt + data))
			data = hex.EncodeToString(sum[:])
		case '1':
			sum := sha256.Sum256([]byte(salt + data))
			data = hex.EncodeToString(sum[:])
		case '3':
			if data, err = h.argon(ctx, data, salt, st.params); err != nil {
				return false, false, err
			}
		}
	}
	ok = subtle.ConstantTimeCompare([]byte(data), []byte(strings.ToLower(want))) == 1
	needsRehash = len(steps) != 1 || steps[0].kind != '3' || steps[0].params != h.params
	return ok, needsRehash, nil
}

// VerifyDummy burns the same time as a real verification against a hash in the
// current version, so unknown accounts cost the same as wrong passwords.
func (h *Hasher) VerifyDummy(ctx context.Context, password string) {
	h.Verify(ctx, password, h.dummy)
}

func hasArgon(steps []hashStep) bool {
	for _, st := range steps {
		if st.kind == '3' {
			return true
		}
	}
	return false
}

// equalCost runs one argon2 computation in the current parameters and drops it.
func (h *Hasher) equalCost(ctx context.Context, password string) {
	h.argon(ctx, password, "x", h.params)
}

// PasswordPolicy is Magento's customer password policy.
type PasswordPolicy struct {
	MinLength  int
	MinClasses int
}

// Check returns nil or an *Error (graphql-input) with Magento's exact message.
func (p PasswordPolicy) Check(password string) error {
	if utf8.RuneCountInString(password) < p.MinLength {
		return inputError(MsgPasswordTooShortFmt, p.MinLength)
	}
	var lower, upper, digit, special int
	for _, r := range password {
		switch {
		case r >= 'a' && r <= 'z':
			lower = 1
		case r >= 'A' && r <= 'Z':
			upper = 1
		case r >= '0' && r <= '9':
			digit = 1
		case unicode.IsLetter(r) && unicode.IsLower(r):
			lower = 1
		case unicode.IsLetter(r) && unicode.IsUpper(r):
			upper = 1
		default:
			special = 1
		}
	}
	if lower+upper+digit+special < p.MinClasses {
		return inputError(MsgPasswordClassesFmt, p.MinClasses)
	}
	if strings.TrimSpace(password) != password {
		return inputError(MsgPasswordSpaces)
	}
	return nil
}
