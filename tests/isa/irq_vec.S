/* Vectored mtvec table for irq.c: interrupt i enters at base + 4 * i.  Each
 * interrupt slot writes its number into sscratch (free while the test runs
 * only M-mode code; irq.c restores it) and then joins the common vector, so
 * the test can see which slot the hart used. */
	.text
	.balign 256
	.globl irq_vtable
irq_vtable:
	.option push
	.option norvc		/* slots are exactly 4 bytes */
	j	lib_mtrap_entry
	.irp n,1,2,3,4,5,6,7,8,9,10,11
	j	irq_slot\n
	.endr
	.option pop

	.irp n,1,2,3,4,5,6,7,8,9,10,11
irq_slot\n:
	csrwi	sscratch, \n
	j	lib_mtrap_entry
	.endr
