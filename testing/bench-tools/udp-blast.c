/*
 * udp-blast - the baseline of testing/bench's K1: send one datagram of LEN
 * bytes to COUNT consecutive IPv4 addresses from FIRST, UDP port PORT, with
 * sendmmsg() in batches of BATCH (the key server's rekey sender uses 64),
 * and print how long the sends took.
 *
 *   udp-blast FIRST COUNT PORT LEN BATCH
 *
 * Prints "sent S of COUNT datagrams of LEN bytes in U us". The addresses and
 * the message headers are prepared before the clock starts, as the key server
 * prepares its datagram; the time is from the first sendmmsg() to the return
 * of the last (CLOCK_MONOTONIC). Exits 1 if not every datagram was sent.
 *
 * Compiled by testing/bench: gcc -O2 -o udp-blast udp-blast.c
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct sockaddr_in *dsts;
	struct mmsghdr *msgs;
	struct timespec t0, t1;
	struct in_addr first;
	struct iovec iov;
	unsigned long count, i, sent = 0, batch, n;
	unsigned char *buf;
	size_t len;
	int fd, port, ret;

	if (argc != 6 || inet_pton(AF_INET, argv[1], &first) != 1)
	{
		fprintf(stderr, "usage: udp-blast FIRST COUNT PORT LEN BATCH\n");
		return 2;
	}
	count = strtoul(argv[2], NULL, 10);
	port = atoi(argv[3]);
	len = strtoul(argv[4], NULL, 10);
	batch = strtoul(argv[5], NULL, 10);
	if (!count || !batch || batch > 1024 || len > 65507)
	{
		fprintf(stderr, "udp-blast: bad COUNT, LEN or BATCH\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0)
	{
		perror("udp-blast: socket");
		return 2;
	}
	buf = calloc(1, len ?: 1);
	dsts = calloc(count, sizeof(*dsts));
	msgs = calloc(count, sizeof(*msgs));
	if (!buf || !dsts || !msgs)
	{
		perror("udp-blast");
		return 2;
	}
	/* the bytes do not matter for the cost, only their number */
	for (i = 0; i < len; i++)
	{
		buf[i] = random();
	}
	iov.iov_base = buf;
	iov.iov_len = len;
	for (i = 0; i < count; i++)
	{
		dsts[i].sin_family = AF_INET;
		dsts[i].sin_port = htons(port);
		dsts[i].sin_addr.s_addr = htonl(ntohl(first.s_addr) + i);
		msgs[i].msg_hdr.msg_name = &dsts[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(dsts[i]);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; )
	{
		n = count - i < batch ? count - i : batch;
		ret = sendmmsg(fd, &msgs[i], n, 0);
		if (ret < 0)
		{
			if (errno == EINTR)
			{
				continue;
			}
			i++;	/* skip the one that failed, as the key server does */
			continue;
		}
		i += ret;
		sent += ret;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("sent %lu of %lu datagrams of %zu bytes in %ld us\n", sent, count,
		   len, (long)((t1.tv_sec - t0.tv_sec) * 1000000 +
					   (t1.tv_nsec - t0.tv_nsec) / 1000));
	close(fd);
	return sent == count ? 0 : 1;
}
