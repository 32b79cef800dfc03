//go:build !purego

#include "textflag.h"

// trieNode and trieSlot fields (TestPassMembersLayout checks them).
#define NODE_TABLE 64
#define NODE_TABLELEN 72
#define NODE_MUL 88
#define NODE_SHIFT 96
#define NODE_FIRST 112
#define SLOT_WORD 0
#define SLOT_TAIL 8
#define SLOT_N 16
#define SLOT_NODE 24

// What skipKeys stopped at (atKey ... atEnd in event.go).
#define AT_KEY 0
#define AT_VALUE 1
#define AT_SEP 2
#define AT_END 3

// WINDOW sets dst to the masks at offset off of a block (0: quotes, 8:
// backslashes) of the 64 bytes from pos (bit n for byte pos+n), from
// blk[pos>>6] and the block after it (quotesFrom), or jumps to fail when
// there is no block after it. Shifts by CL take the count mod 64: pos
// for pos&63, and NOT pos for 63-(pos&63).
#define WINDOW(pos, off, dst, tmp, fail) \
	MOVQ pos, tmp \
	SHRQ $6, tmp \
	INCQ tmp \
	CMPQ tmp, R9 \
	JAE fail \
	SHLQ $5, tmp \
	MOVQ -32+off(R8)(tmp*1), dst \
	MOVQ off(R8)(tmp*1), tmp \
	MOVQ pos, CX \
	SHRQ CX, dst \
	SHLQ $1, tmp \
	NOTQ CX \
	SHLQ CX, tmp \
	ORQ tmp, dst

// HASDOT jumps to yes when the 8 bytes in x hold a '.' (x is lost).
#define HASDOT(x, tmp, yes) \
	MOVQ $0x2e2e2e2e2e2e2e2e, tmp \
	XORQ tmp, x \
	MOVQ $0xfefefefefefefeff, tmp \
	ADDQ x, tmp \
	NOTQ x \
	ANDQ x, tmp \
	MOVQ $0x8080808080808080, x \
	TESTQ x, tmp \
	JNZ yes

// func passMembers(b []byte, blk []block, i int, bs bool, node *trieNode) (end int, next *trieNode, at int)
//
// Registers: SI, DX the line; R8, R9 its blocks; BX the node; AX the
// cursor i. At a key: DI its first byte k, R12 its length n, R11 its
// closing quote j.
TEXT ·passMembers(SB), NOSPLIT, $0-96
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), DX
	MOVQ blk_base+24(FP), R8
	MOVQ blk_len+32(FP), R9
	MOVQ i+48(FP), AX
	MOVQ node+64(FP), BX
	LEAQ 1(AX), DI
	CMPQ DI, DX
	JAE atkey
	CMPB (SI)(AX*1), $0x22
	JNE atkey

key:
	// b[AX] is a key's opening quote, and not the line's last byte.
	LEAQ 1(AX), DI
	WINDOW(DI, 0, R12, R11, atkey)
	TESTQ R12, R12
	JZ atkey
	BSFQ R12, R12
	CMPB bs+56(FP), $0
	JNE keyescapes

keyend:
	LEAQ (DI)(R12*1), R11
	LEAQ 2(R11), R13
	CMPQ R13, DX
	JAE atkey
	CMPB 1(SI)(R11*1), $0x3a // ':'
	JNE atkey
	CMPB 2(SI)(R11*1), $0x20 // a blank, or below one
	JLS atkey
	MOVBQZX (SI)(DI*1), CX
	CMPB NODE_FIRST(BX)(CX*1), $0
	JNE lookup
	MOVQ R13, AX

value:
	// b[AX] starts the value of a key that no rule reads.
	MOVBQZX (SI)(AX*1), CX
	CMPB CX, $0x22
	JEQ string
	ORQ $0x20, CX
	CMPB CX, $0x7b // '{' or '['
	JEQ container
	MOVQ AX, R11
	LEAQ ·isDelim(SB), R12

number:
	CMPQ R11, DX
	JAE numberend
	MOVBQZX (SI)(R11*1), CX
	CMPB (R12)(CX*1), $0
	JNE numberend
	INCQ R11
	JMP number

numberend:
	CMPQ R11, AX
	JEQ atvalue
	MOVQ R11, AX
	JMP sep

string:
	LEAQ 1(AX), DI
	WINDOW(DI, 0, R12, R11, atvalue)
	TESTQ R12, R12
	JZ atvalue
	BSFQ R12, R12
	LEAQ 2(AX)(R12*1), AX

sep:
	// `,"` goes on to the next key; '}' ends the object.
	LEAQ 2(AX), R11
	CMPQ R11, DX
	JAE sepother
	CMPW (SI)(AX*1), $0x222c
	JNE sepother
	INCQ AX
	JMP key

sepother:
	CMPQ AX, DX
	JAE atsep
	CMPB (SI)(AX*1), $0x7d
	JNE atsep
	INCQ AX
	MOVQ AX, end+72(FP)
	MOVQ $0, next+80(FP)
	MOVQ $AT_END, at+88(FP)
	RET

container:
	// skipContainer, without its population counts (which would need
	// POPCNT): R11 the block w, R13 and DI its opening and closing
	// brackets from i on, R10 the brackets left to take, R12 the depth.
	// Nearly every such value holds no container and ends in its first
	// block: then the first bracket after the opening one closes it.
	MOVQ AX, R11
	SHRQ $6, R11
	CMPQ R11, R9
	JAE atvalue
	MOVQ R11, CX
	SHLQ $5, CX
	MOVQ 16(R8)(CX*1), R13
	MOVQ 24(R8)(CX*1), DI
	MOVQ AX, CX
	SHRQ CX, R13
	SHLQ CX, R13
	SHRQ CX, DI
	SHLQ CX, DI
	MOVQ R13, R10
	ORQ DI, R10
	BTRQ CX, R10
	BSFQ R10, CX
	JZ depth
	BTQ CX, DI
	JCC depth
	JMP closed

depth:
	XORL R12, R12
	MOVQ R13, R10
	ORQ DI, R10

bracket:
	TESTQ R10, R10
	JZ nextblock
	BSFQ R10, CX
	MOVQ R13, DI
	SHRQ CX, DI
	ANDL $1, DI
	LEAQ -1(R12)(DI*2), R12 // +1 for an opening bracket, -1 for a closing one
	TESTQ R12, R12
	JZ closed
	BTRQ CX, R10
	JMP bracket

nextblock:
	INCQ R11
	CMPQ R11, R9
	JAE atvalue // unterminated: object says so
	MOVQ R11, CX
	SHLQ $5, CX
	MOVQ 16(R8)(CX*1), R13
	MOVQ 24(R8)(CX*1), R10
	ORQ R13, R10
	JMP bracket

closed:
	// The value ends at the bracket CX of block R11.
	SHLQ $6, R11
	LEAQ 1(R11)(CX*1), AX
	JMP sep

keyescapes:
	// A key with a backslash is object's.
	WINDOW(DI, 8, R13, R11, atkey)
	MOVQ R12, CX
	MOVQ $1, R11
	SHLQ CX, R11
	DECQ R11
	TESTQ R11, R13
	JNZ atkey
	JMP keyend

lookup:
	// The key's first byte starts a child's name: node.lookup, or a
	// dotted key, which object reads.
	LEAQ 8(DI), CX
	CMPQ CX, DX
	JA atkey
	MOVQ (SI)(DI*1), R13 // kw: the key's first 8 bytes
	CMPQ R12, $8
	JAE hash
	TESTQ R12, R12
	JZ emptykey
	MOVQ $8, CX
	SUBQ R12, CX
	SHLQ $3, CX
	SHLQ CX, R13
	SHRQ CX, R13
	JMP hash

emptykey:
	XORQ R13, R13

hash:
	LEAQ (R13)(R12*1), DI
	IMULQ NODE_MUL(BX), DI
	MOVBQZX NODE_SHIFT(BX), CX
	SHRQ CX, DI
	CMPQ DI, NODE_TABLELEN(BX)
	JAE atkey
	SHLQ $5, DI
	ADDQ NODE_TABLE(BX), DI
	CMPQ SLOT_WORD(DI), R13
	JNE notchild
	CMPQ SLOT_N(DI), R12
	JNE notchild
	CMPQ R12, $8
	JLS child
	CMPQ R12, $16
	JHI atkey // compared in full by object
	MOVQ -8(SI)(R11*1), CX
	CMPQ SLOT_TAIL(DI), CX
	JNE notchild

child:
	LEAQ 2(R11), AX
	MOVQ SLOT_NODE(DI), CX
	MOVQ AX, end+72(FP)
	MOVQ CX, next+80(FP)
	MOVQ $AT_VALUE, at+88(FP)
	RET

notchild:
	CMPQ R12, $16
	JHI atkey
	HASDOT(R13, CX, atkey)
	CMPQ R12, $8
	JLS passvalue
	MOVQ -8(SI)(R11*1), R13
	HASDOT(R13, CX, atkey)

passvalue:
	LEAQ 2(R11), AX
	JMP value

atkey:
	MOVQ AX, end+72(FP)
	MOVQ $0, next+80(FP)
	MOVQ $AT_KEY, at+88(FP)
	RET

atvalue:
	MOVQ AX, end+72(FP)
	MOVQ $0, next+80(FP)
	MOVQ $AT_VALUE, at+88(FP)
	RET

atsep:
	MOVQ AX, end+72(FP)
	MOVQ $0, next+80(FP)
	MOVQ $AT_SEP, at+88(FP)
	RET
