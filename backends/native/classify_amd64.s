//go:build !purego

#include "textflag.h"

// func classifySSE2(dst []block, src []byte)
//
// For each 64-byte block of src, sets dst[k] to bit masks (bit n for byte
// 64k+n) of the bytes that are '"', '\\', '{' or '[', and '}' or ']'.
// SSE2 only: every amd64 CPU has it, so no feature check is needed.
// Brackets are found after OR-ing 0x20 into every byte: '[' | 0x20 is
// '{', ']' | 0x20 is '}', and no other byte maps to either.
TEXT ·classifySSE2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	MOVQ $0x2222222222222222, AX
	MOVQ AX, X8
	PUNPCKLQDQ X8, X8
	MOVQ $0x5c5c5c5c5c5c5c5c, AX
	MOVQ AX, X9
	PUNPCKLQDQ X9, X9
	MOVQ $0x7b7b7b7b7b7b7b7b, AX
	MOVQ AX, X10
	PUNPCKLQDQ X10, X10
	MOVQ $0x7d7d7d7d7d7d7d7d, AX
	MOVQ AX, X11
	PUNPCKLQDQ X11, X11
	MOVQ $0x2020202020202020, AX
	MOVQ AX, X12
	PUNPCKLQDQ X12, X12
	TESTQ CX, CX
	JZ done

loop:
	XORQ R8, R8
	XORQ R9, R9
	XORQ R10, R10
	XORQ R11, R11

#define CHUNK(off, sh) \
	MOVOU off(SI), X0 \
	MOVO X0, X1 \
	PCMPEQB X8, X1 \
	PMOVMSKB X1, AX \
	MOVO X0, X2 \
	PCMPEQB X9, X2 \
	PMOVMSKB X2, BX \
	POR X12, X0 \
	MOVO X0, X3 \
	PCMPEQB X10, X3 \
	PMOVMSKB X3, DX \
	PCMPEQB X11, X0 \
	PMOVMSKB X0, R12 \
	SHLQ $sh, AX \
	SHLQ $sh, BX \
	SHLQ $sh, DX \
	SHLQ $sh, R12 \
	ORQ AX, R8 \
	ORQ BX, R9 \
	ORQ DX, R10 \
	ORQ R12, R11

	CHUNK(0, 0)
	CHUNK(16, 16)
	CHUNK(32, 32)
	CHUNK(48, 48)

	MOVQ R8, 0(DI)
	MOVQ R9, 8(DI)
	MOVQ R10, 16(DI)
	MOVQ R11, 24(DI)
	ADDQ $64, SI
	ADDQ $32, DI
	DECQ CX
	JNZ loop

done:
	RET

// func indexAVX2(dst []block, src []byte, st *lineState)
//
// classifySSE2 with 32-byte compares, followed in the same loop by
// resolveBlocks: escaped quotes dropped (only in blocks with a backslash
// or after one), the string mask as the prefix XOR of the quotes (a
// carry-less multiplication by all ones), brackets inside strings dropped,
// the first backslash outside every string recorded. st carries the state
// between blocks and calls; its fields are at the offsets of lineState:
// inStr 0, esc 8, off 16, stray 24, anyBS 32.
TEXT ·indexAVX2(SB), NOSPLIT, $8-56
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	MOVQ st+48(FP), DX
	MOVQ $0x22, AX
	MOVQ AX, X8
	VPBROADCASTB X8, Y8
	MOVQ $0x5c, AX
	MOVQ AX, X9
	VPBROADCASTB X9, Y9
	MOVQ $0x7b, AX
	MOVQ AX, X10
	VPBROADCASTB X10, Y10
	MOVQ $0x7d, AX
	MOVQ AX, X11
	VPBROADCASTB X11, Y11
	MOVQ $0x20, AX
	MOVQ AX, X12
	VPBROADCASTB X12, Y12
	VPCMPEQB X13, X13, X13 // all ones, the multiplier of the prefix XOR
	MOVQ 0(DX), R12        // inStr
	MOVQ 8(DX), R13        // esc
	TESTQ CX, CX
	JZ ixdone

ixloop:
	VMOVDQU 0(SI), Y0
	VMOVDQU 32(SI), Y1

#define MASK(pat, reg) \
	VPCMPEQB pat, Y0, Y2 \
	VPMOVMSKB Y2, AX \
	VPCMPEQB pat, Y1, Y3 \
	VPMOVMSKB Y3, BX \
	SHLQ $32, BX \
	ORQ BX, AX \
	MOVQ AX, reg

	MASK(Y8, R8)  // quotes
	MASK(Y9, R9)  // backslashes
	VPOR Y12, Y0, Y0
	VPOR Y12, Y1, Y1
	MASK(Y10, R10) // '{' and '['
	MASK(Y11, R11) // '}' and ']'

	MOVQ R9, AX
	ORQ R13, AX
	JNZ ixesc

ixstr:
	VMOVQ R8, X0
	VPCLMULQDQ $0x00, X13, X0, X0
	VMOVQ X0, AX
	XORQ R12, AX  // s: bit set from an opening quote up to its closing one
	MOVQ AX, R12
	SARQ $63, R12 // inStr of the next block
	NOTQ AX
	ANDQ AX, R10
	ANDQ AX, R11
	ANDQ R9, AX   // backslashes outside strings
	JNZ ixstray

ixstore:
	MOVQ R8, 0(DI)
	MOVQ R9, 8(DI)
	MOVQ R10, 16(DI)
	MOVQ R11, 24(DI)
	ADDQ $64, SI
	ADDQ $32, DI
	DECQ CX
	JNZ ixloop

ixdone:
	MOVQ R12, 0(DX)
	MOVQ R13, 8(DX)
	MOVQ dst_len+8(FP), AX
	SHLQ $6, AX
	ADDQ AX, 16(DX)
	VZEROUPPER
	RET

// escapedBits, with R9 the backslashes and R13 the carry: an odd run of
// backslashes escapes the byte after it. The escaped quotes leave R8.
ixesc:
	MOVB $1, 32(DX)      // anyBS
	MOVQ R13, BX
	NOTQ BX
	ANDQ R9, BX          // b: the backslashes, less an escaped first one
	LEAQ (BX)(BX*1), AX
	ORQ R13, AX          // follows: the bytes after a backslash
	MOVQ AX, 0(SP)
	NOTQ AX
	ANDQ BX, AX
	MOVQ $0xaaaaaaaaaaaaaaaa, R13
	ANDQ R13, AX         // oddStarts: runs that start at an odd offset
	MOVL $0, R13         // MOVL leaves the flags alone
	ADDQ BX, AX          // seq, and the carry out of the block
	ADCQ $0, R13         // esc of the next block
	SHLQ $1, AX
	MOVQ $0x5555555555555555, BX
	XORQ BX, AX
	ANDQ 0(SP), AX       // the escaped bytes
	NOTQ AX
	ANDQ AX, R8
	JMP ixstr

// The first backslash outside every string, when none was found before.
ixstray:
	CMPQ 24(DX), $-1
	JNE ixstore
	BSFQ AX, AX
	ADDQ SI, AX
	SUBQ src_base+24(FP), AX
	ADDQ 16(DX), AX
	MOVQ AX, 24(DX)
	JMP ixstore

// func hasAVX2CLMUL() bool
//
// CPUID says the CPU has AVX2 and PCLMULQDQ, and XGETBV that the OS saves
// the YMM registers.
TEXT ·hasAVX2CLMUL(SB), NOSPLIT, $0-1
	XORL AX, AX
	XORL CX, CX
	CPUID
	CMPL AX, $7
	JLT no
	MOVL $1, AX
	XORL CX, CX
	CPUID
	ANDL $0x18000002, CX // PCLMULQDQ (bit 1), OSXSAVE (bit 27) and AVX (bit 28)
	CMPL CX, $0x18000002
	JNE no
	XORL CX, CX
	XGETBV
	ANDL $6, AX // XMM and YMM state
	CMPL AX, $6
	JNE no
	MOVL $7, AX
	XORL CX, CX
	CPUID
	BTL $5, BX // AVX2
	JCC no
	MOVB $1, ret+0(FP)
	RET
no:
	MOVB $0, ret+0(FP)
	RET
