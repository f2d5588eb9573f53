/* Shared-ring semantics: notification only when the consumer asked,
 * final-check before sleeping, bounds against a hostile producer index. */
#include <stdio.h>
#include <stdlib.h>

#include "atoll/abi/ring.h"
#include "check.h"

struct msg {
	uint64_t v[8]; /* 64-byte messages */
};
ATOLL_RING_DEFINE(test, struct msg, struct msg)

int main(void)
{
	static _Alignas(4096) uint8_t page[4096];
	struct test_sring *s = (struct test_sring *)page;
	struct test_front f;
	struct test_back b;

	test_sring_init(s);
	test_front_init(&f, s, sizeof(page));
	test_back_init(&b, s, sizeof(page));
	CHECK(f.nr_ents == 32); /* (4096 - 64) / 64 = 63 -> 32 */
	CHECK(test_free_requests(&f) == 32);

	/* req_event starts at 1: the first push notifies, the next does not
	 * until the back-end re-arms. */
	test_request_slot(&f, f.req_prod_pvt++)->v[0] = 7;
	CHECK(test_push_requests(&f));
	test_request_slot(&f, f.req_prod_pvt++)->v[0] = 8;
	CHECK(!test_push_requests(&f));
	CHECK(test_unconsumed_requests(&b) == 2);

	struct msg m;
	test_copy_request(&b, b.req_cons++, &m);
	CHECK(m.v[0] == 7);
	test_copy_request(&b, b.req_cons++, &m);
	CHECK(m.v[0] == 8);
	CHECK(!test_final_check_requests(&b)); /* re-armed: req_event = 3 */
	CHECK(s->req_event == 3);
	f.req_prod_pvt++;
	CHECK(test_push_requests(&f)); /* crosses req_event: notify */

	/* Batched pushes notify once per batch at most. */
	b.req_cons++;
	test_final_check_requests(&b);
	for (int k = 0; k < 8; k++)
		f.req_prod_pvt++;
	CHECK(test_push_requests(&f));
	CHECK(test_unconsumed_requests(&b) == 8);

	/* A hostile req_prod far ahead: the back-end never sees more than the
	 * slots it owns, and the overflow check flags it. */
	s->req_prod = b.req_cons + 1000;
	CHECK(test_request_prod_overflow(&b, s->req_prod));
	CHECK(test_unconsumed_requests(&b) <= b.nr_ents);

	/* Responses: the front-end's final check re-arms rsp_event. */
	f.rsp_cons = 0;
	CHECK(!test_final_check_responses(&f));
	b.rsp_prod_pvt++;
	CHECK(test_push_responses(&b));
	CHECK(test_unconsumed_responses(&f) == 1);
	CHECK(!test_response_prod_overflow(&f, s->rsp_prod));
	CHECK(test_response_prod_overflow(&f, f.rsp_cons + 33));

	return check_done("ring");
}
