import { Body, Controller, Param, Post, Query } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SkipThrottle } from '@nestjs/throttler';
import { THROTTLER_SKIP } from '@nestjs/throttler/dist/throttler.constants';
import { bodyTypeOf, isThrottleSkipped } from './nest-internals';

class CreateThing {
  name!: string;
}

class Other {
  value!: string;
}

@Controller('things')
class ThingsController {
  @Post()
  create(@Query('dry') _dry: string, @Body() _body: CreateThing): void {}

  @Post(':id')
  rename(@Param('id') _id: string, @Body('name') _name: Other): void {}

  @Post('none')
  none(): void {}

  @SkipThrottle()
  @Post('unthrottled')
  unthrottled(): void {}

  @SkipThrottle({ burst: true })
  @Post('no-burst')
  noBurst(): void {}
}

@SkipThrottle({ hour: true })
@Controller('hourly')
class HourlyController {
  @Post()
  run(): void {}
}

describe('Nest internals read by the pipeline', () => {
  const reflector = new Reflector();
  const proto = ThingsController.prototype;

  it('finds the DTO class of a whole-body @Body() parameter', () => {
    expect(bodyTypeOf(proto.create, ThingsController)).toBe(CreateThing);
  });

  it('finds none for @Body("field") or a handler without a body', () => {
    expect(bodyTypeOf(proto.rename, ThingsController)).toBeUndefined();
    expect(bodyTypeOf(proto.none, ThingsController)).toBeUndefined();
  });

  it('sees @SkipThrottle() on a handler, for every throttler it names', () => {
    expect(isThrottleSkipped(reflector, ThingsController, proto.unthrottled, 'default')).toBe(true);
    expect(isThrottleSkipped(reflector, ThingsController, proto.noBurst, 'burst')).toBe(true);
    expect(isThrottleSkipped(reflector, ThingsController, proto.noBurst, 'default')).toBe(false);
    expect(isThrottleSkipped(reflector, ThingsController, proto.create, 'default')).toBe(false);
  });

  it('sees @SkipThrottle() on a controller', () => {
    const handler = HourlyController.prototype.run;
    expect(isThrottleSkipped(reflector, HourlyController, handler, 'hour')).toBe(true);
    expect(isThrottleSkipped(reflector, HourlyController, handler, 'burst')).toBe(false);
  });

  it("uses @nestjs/throttler's own key", () => {
    expect(THROTTLER_SKIP).toBe('THROTTLER:SKIP');
  });
});
